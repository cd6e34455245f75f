import BacklineCore
public import Foundation

/// Which audit entries to read: every set field narrows the result; results are in index order.
public struct AuditFilter: Sendable, Hashable {
    /// First index (inclusive).
    public var fromIndex: Int64?
    /// Last index (exclusive).
    public var toIndex: Int64?
    /// Only this actor.
    public var actor: String?
    /// Only this action.
    public var action: String?
    /// Only this round.
    public var round: Int64?
    /// Only entries logged at or after this time.
    public var since: Date?
    /// At most this many entries.
    public var limit: Int?

    /// A filter; no arguments means every entry.
    public init(
        fromIndex: Int64? = nil,
        toIndex: Int64? = nil,
        actor: String? = nil,
        action: String? = nil,
        round: Int64? = nil,
        since: Date? = nil,
        limit: Int? = nil
    ) {
        self.fromIndex = fromIndex
        self.toIndex = toIndex
        self.actor = actor
        self.action = action
        self.round = round
        self.since = since
        self.limit = limit
    }

    /// Whether `entry` passes the filter (the limit aside).
    func matches(_ entry: AuditEntryRecord) -> Bool {
        if let fromIndex, entry.index < fromIndex { return false }
        if let toIndex, entry.index >= toIndex { return false }
        if let actor, entry.actor != actor { return false }
        if let action, entry.action != action { return false }
        if let round, entry.round != round { return false }
        if let since, entry.loggedAt < since { return false }
        return true
    }
}
