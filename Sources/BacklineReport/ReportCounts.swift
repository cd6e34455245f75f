/// What a rendered report holds, for `--json` output and tests.
public struct ReportCounts: Sendable, Equatable, Codable {
    /// Figures carrying a `data-chart` attribute.
    public let charts: Int
    /// Chart marks (points and bars), each an element with class `mark`.
    public let marks: Int
    /// Tables.
    public let tables: Int

    /// Counts as given.
    public init(charts: Int, marks: Int, tables: Int) {
        self.charts = charts
        self.marks = marks
        self.tables = tables
    }
}
