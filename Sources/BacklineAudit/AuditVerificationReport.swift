/// The outcome of ``AuditVerifier/verify(storage:saved:)``.
public struct AuditVerificationReport: Sendable, Encodable {
    /// True when no problem was found.
    public var ok: Bool { problems.isEmpty }
    /// Entries in the log.
    public var entries = 0
    /// Size of the latest signed checkpoint, if one verified.
    public var checkpointSize: Int?
    /// Root of the latest signed checkpoint (hex).
    public var checkpointRoot: String?
    /// Size of the auditor's saved checkpoint, if any.
    public var savedSize: Int?
    /// The first entry found altered, removed or unreadable, when it can be named.
    public var firstBadIndex: Int?
    /// What is wrong, one sentence each.
    public var problems: [String] = []
    /// The state to save when ``ok`` (the latest checkpoint and its leaf hashes).
    public var updatedState: AuditorState?

    enum CodingKeys: String, CodingKey {
        case ok, entries, problems
        case checkpointSize = "checkpoint_size"
        case checkpointRoot = "checkpoint_root"
        case savedSize = "saved_size"
        case firstBadIndex = "first_bad_index"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ok, forKey: .ok)
        try c.encode(entries, forKey: .entries)
        try c.encode(problems, forKey: .problems)
        try c.encodeIfPresent(checkpointSize, forKey: .checkpointSize)
        try c.encodeIfPresent(checkpointRoot, forKey: .checkpointRoot)
        try c.encodeIfPresent(savedSize, forKey: .savedSize)
        try c.encodeIfPresent(firstBadIndex, forKey: .firstBadIndex)
    }

    mutating func fail(_ problem: String, at index: Int? = nil) {
        problems.append(problem)
        if let index { firstBadIndex = min(firstBadIndex ?? index, index) }
    }
}
