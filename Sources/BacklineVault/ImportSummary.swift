/// What an import did.
public struct ImportSummary: Sendable, Codable {
    /// Rows added per table.
    public var imported: [String: Int] = [:]
    /// Data rows read from all files.
    public var rowsRead = 0
    /// Rows skipped, by reason (only with `skipInvalid`).
    public var skipped: [String: Int] = [:]
    /// The first issues found.
    public var issues: [ImportIssue] = []
    /// Wall-clock seconds.
    public var seconds = 0.0
    /// Rows read per second.
    public var rowsPerSecond = 0.0
    /// Manifest generation after the commit (unchanged when nothing was imported).
    public var generation = 0

    /// An empty summary.
    public init() {}

    /// Total rows skipped.
    public var skippedTotal: Int { skipped.values.reduce(0, +) }
}
