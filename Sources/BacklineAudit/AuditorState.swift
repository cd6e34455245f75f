/// What an auditor remembers between runs: the last checkpoint it accepted, and the leaf hash
/// of every entry that checkpoint covers. The leaf hashes let a later run name the first entry
/// that was changed, which a root alone cannot do (32 bytes per entry: 32 MB per million).
public struct AuditorState: Sendable, Hashable {
    /// The accepted checkpoint.
    public let checkpoint: Checkpoint
    /// The signed note it came from.
    public let note: String
    /// Leaf hashes of entries `0..<checkpoint.size`.
    public let leafHashes: [TreeHash]

    /// A state; throws ``AuditError`` `malformed` unless the leaf hashes rebuild the
    /// checkpoint's root.
    public init(checkpoint: Checkpoint, note: String, leafHashes: [TreeHash]) throws {
        guard leafHashes.count == checkpoint.size else {
            throw AuditError.malformed("auditor state", "has \(leafHashes.count) leaf hashes for checkpoint size \(checkpoint.size)")
        }
        guard try MerkleTree(leafHashes: leafHashes).root() == checkpoint.root else {
            throw AuditError.malformed("auditor state", "leaf hashes do not rebuild the saved root (state file damaged)")
        }
        self.init(verified: checkpoint, note: note, leafHashes: leafHashes)
    }

    /// A state whose leaf hashes the caller has just rebuilt into the checkpoint's root.
    init(verified checkpoint: Checkpoint, note: String, leafHashes: [TreeHash]) {
        self.checkpoint = checkpoint
        self.note = note
        self.leafHashes = leafHashes
    }
}
