/// One row being added to a ``ColumnarTable``: a value slot per field (only the slot matching
/// the field's kind is read). Reused across rows to avoid allocation.
public struct TableRow: Sendable {
    /// Integer and timestamp values by field index.
    public var integers: [Int64]
    /// Real values by field index.
    public var reals: [Float]
    /// Text values (indices into the table's ``StringTable``) by field index.
    public var texts: [Int32]
    /// List values by field index (integers, or string indices for text lists).
    public var lists: [[Int64]]

    /// An all-missing row for `schema`.
    public init(schema: TableSchema) {
        let count = schema.fields.count
        integers = Array(repeating: ColumnarTable.missingInteger, count: count)
        reals = Array(repeating: 0, count: count)
        texts = Array(repeating: 0, count: count)
        lists = Array(repeating: [], count: count)
    }

    /// Resets every slot to missing, keeping list capacity.
    public mutating func clear() {
        for index in integers.indices {
            integers[index] = ColumnarTable.missingInteger
            reals[index] = 0
            texts[index] = 0
            lists[index].removeAll(keepingCapacity: true)
        }
    }
}
