import BacklineCore
public import Foundation

/// One audit-log entry as stored: the canonical entry bytes (hashed by the Merkle log), its leaf
/// hash, and plain columns to filter on.
public struct AuditEntryRecord: Sendable, Hashable {
    /// 0-based position in the log; entries are appended without gaps.
    public var index: Int64
    /// The canonical entry bytes the leaf hash covers.
    public var entry: [UInt8]
    /// RFC 6962 leaf hash of `entry` (32 bytes), computed by the audit module.
    public var leafHash: [UInt8]
    /// When the entry was logged.
    public var loggedAt: Date
    /// Who acted (SPIFFE id or role).
    public var actor: String
    /// What they did, e.g. `"submit_update"`.
    public var action: String
    /// The policy decision, e.g. `"allow"` or `"deny"`.
    public var decision: String
    /// The round concerned, if any.
    public var round: Int64?

    /// Creates an entry.
    public init(
        index: Int64,
        entry: [UInt8],
        leafHash: [UInt8],
        loggedAt: Date,
        actor: String,
        action: String,
        decision: String,
        round: Int64? = nil
    ) {
        self.index = index
        self.entry = entry
        self.leafHash = leafHash
        self.loggedAt = loggedAt
        self.actor = actor
        self.action = action
        self.decision = decision
        self.round = round
    }
}
