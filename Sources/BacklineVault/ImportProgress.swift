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
