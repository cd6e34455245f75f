internal import Synchronization

/// Signs checkpoints for one log and never signs two inconsistent ones: it remembers the last
/// signed size and root and refuses any checkpoint that is not a proven extension of it.
public final class CheckpointSigner: Sendable {
    private let signer: NoteSigner
    /// The log origin written into every checkpoint.
    public let origin: String
    private let last: Mutex<Checkpoint?>

    /// A signer for `origin` that has already signed `lastSigned` (nil for a fresh log).
    public init(signer: NoteSigner, origin: String, lastSigned: Checkpoint? = nil) throws {
        if let lastSigned, lastSigned.origin != origin {
            throw AuditError.refusedToSign("last checkpoint is for origin \(lastSigned.origin), not \(origin)")
        }
        self.signer = signer
        self.origin = origin
        self.last = Mutex(lastSigned)
    }

    /// The verifier key of the signing key.
    public var verifierKey: NoteVerifierKey { signer.verifierKey }

    /// The last checkpoint this signer signed (or was started with).
    public var lastSigned: Checkpoint? { last.withLock { $0 } }

    /// Signs the checkpoint (`size`, `root`) if `consistencyProof` proves it extends the last
    /// signed one; returns the signed note. Throws ``AuditError`` `refusedToSign` otherwise.
    public func sign(size: Int, root: TreeHash, consistencyProof: [TreeHash]) throws -> String {
        let checkpoint = try Checkpoint(origin: origin, size: size, root: root)
        return try last.withLock { previous in
            if let previous, previous.size > 0 {
                guard size >= previous.size else {
                    throw AuditError.refusedToSign("size \(size) is smaller than the last signed size \(previous.size)")
                }
                do {
                    try MerkleProof.verifyConsistency(
                        size1: previous.size,
                        size2: size,
                        root1: previous.root,
                        root2: root,
                        proof: consistencyProof
                    )
                } catch {
                    throw AuditError.refusedToSign("tree of size \(size) does not extend the last signed size \(previous.size): \(error)")
                }
            }
            let note = try signer.sign(checkpoint.body)
            previous = checkpoint
            return note
        }
    }
}
