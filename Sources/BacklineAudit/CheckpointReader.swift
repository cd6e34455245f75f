/// Opens signed checkpoint notes: checks the signature against trusted keys, parses the body
/// and checks the origin.
public struct CheckpointReader: Sendable {
    /// The expected log origin.
    public let origin: String
    /// Trusted verifier keys.
    public let keys: [NoteVerifierKey]

    /// A reader for `origin` trusting `keys`.
    public init(origin: String, keys: [NoteVerifierKey]) {
        self.origin = origin
        self.keys = keys
    }

    /// The checkpoint in `note`, after its signature verified; throws ``AuditError``.
    public func read(_ note: String) throws -> Checkpoint {
        let parsed = try SignedNote(parsing: note)
        try parsed.verify(keys: keys)
        let checkpoint = try Checkpoint(parsing: parsed.text)
        guard checkpoint.origin == origin else {
            throw AuditError.signatureRejected("checkpoint is for origin '\(checkpoint.origin.prefix(100))', expected '\(origin)'")
        }
        return checkpoint
    }
}
