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
