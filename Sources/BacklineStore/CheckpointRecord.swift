import BacklineCore
public import Foundation

/// A signed checkpoint of the audit log (C2SP signed note), as stored.
public struct CheckpointRecord: Sendable, Hashable {
    /// The tree size the checkpoint commits to.
    public var size: Int64
    /// The full signed note text.
    public var signedNote: String
    /// When it was written.
    public var createdAt: Date

    /// Creates a checkpoint record.
    public init(size: Int64, signedNote: String, createdAt: Date) {
        self.size = size
        self.signedNote = signedNote
        self.createdAt = createdAt
    }
}
