/// How an import treats invalid rows and reports progress.
public struct ImportOptions: Sendable {
    /// Import the valid rows and count the invalid ones by reason, instead of importing nothing.
    public var skipInvalid = false
    /// How many issues are kept in full (all are counted).
    public var maximumIssues = 100
    /// Called about once per ``progressInterval`` during long imports.
    public var progress: (@Sendable (ImportProgress) -> Void)?
    /// Time between progress calls.
    public var progressInterval: Duration = .seconds(1)

    /// Default options: all or nothing, no progress.
    public init(skipInvalid: Bool = false, progress: (@Sendable (ImportProgress) -> Void)? = nil) {
        self.skipInvalid = skipInvalid
        self.progress = progress
    }
}

/// Where a running import is.
public struct ImportProgress: Sendable {
    /// File being read.
    public let file: String
    /// Data rows read from it so far.
    public let rows: Int
    /// Bytes read from it so far.
    public let bytes: Int
    /// Rows per second over this file so far.
    public let rowsPerSecond: Double
}

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
