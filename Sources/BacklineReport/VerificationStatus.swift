public import BacklineAudit

/// What the audit report shows about the log's verification (from ``AuditVerifier``'s report).
public struct VerificationStatus: Sendable, Equatable {
    /// Entries in the log.
    public let entries: Int
    /// Size of the latest signed checkpoint that verified.
    public let checkpointSize: Int?
    /// Its root (hex).
    public let checkpointRoot: String?
    /// Size of the auditor's saved checkpoint, if one was given.
    public let savedSize: Int?
    /// The first entry found altered, when it can be named.
    public let firstBadIndex: Int?
    /// What is wrong; empty when the log verified.
    public let problems: [String]

    /// True when no problem was found.
    public var ok: Bool { problems.isEmpty }

    /// A status with these values.
    public init(entries: Int, checkpointSize: Int?, checkpointRoot: String?, savedSize: Int?, firstBadIndex: Int?, problems: [String]) {
        self.entries = entries
        self.checkpointSize = checkpointSize
        self.checkpointRoot = checkpointRoot
        self.savedSize = savedSize
        self.firstBadIndex = firstBadIndex
        self.problems = problems
    }

    /// The status of a verifier's `report`.
    public init(_ report: AuditVerificationReport) {
        self.init(
            entries: report.entries,
            checkpointSize: report.checkpointSize,
            checkpointRoot: report.checkpointRoot,
            savedSize: report.savedSize,
            firstBadIndex: report.firstBadIndex,
            problems: report.problems
        )
    }
}
