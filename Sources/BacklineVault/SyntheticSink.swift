/// Receives the generator's rows, table by table, in schema field order.
public protocol SyntheticSink {
    /// Adds one row of `table`.
    mutating func add(_ table: TableSchema, _ values: [SyntheticValue]) throws
}
