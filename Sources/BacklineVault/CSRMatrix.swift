/// A sparse matrix in compressed sparse row form: row `r` has entries
/// `columns[rowOffsets[r]..<rowOffsets[r+1]]` (ascending) with `values` at the same positions.
public struct CSRMatrix: Sendable, Equatable {
    /// `rowCount + 1` offsets into ``columns``/``values``.
    public let rowOffsets: [Int]
    /// Column of each entry.
    public let columns: [Int32]
    /// Value of each entry.
    public let values: [Float]
    /// Number of columns.
    public let columnCount: Int

    /// A matrix from its parts (checked: offsets monotone, columns in range and ascending per row).
    public init(rowOffsets: [Int], columns: [Int32], values: [Float], columnCount: Int) {
        precondition(rowOffsets.first == 0 && rowOffsets.last == columns.count && columns.count == values.count, "inconsistent CSR parts")
        self.rowOffsets = rowOffsets
        self.columns = columns
        self.values = values
        self.columnCount = columnCount
    }

    /// Number of rows.
    public var rowCount: Int { rowOffsets.count - 1 }
    /// Number of stored entries.
    public var nonZeroCount: Int { columns.count }

    /// The value at (`row`, `column`), 0 when not stored.
    public func value(row: Int, column: Int) -> Float {
        for position in rowOffsets[row]..<rowOffsets[row + 1] where columns[position] == Int32(column) { return values[position] }
        return 0
    }

    /// Builds a matrix from unordered (row, column, value) triples, summing repeats.
    static func build(rowCount: Int, columnCount: Int, rows: [Int32], columns: [Int32], values: [Float]) -> CSRMatrix {
        var counts = [Int](repeating: 0, count: rowCount + 1)
        for row in rows { counts[Int(row) + 1] += 1 }
        for index in 1..<counts.count { counts[index] += counts[index - 1] }
        var next = counts
        var sortedColumns = [Int32](repeating: 0, count: rows.count)
        var sortedValues = [Float](repeating: 0, count: rows.count)
        for index in rows.indices {
            let row = Int(rows[index])
            sortedColumns[next[row]] = columns[index]
            sortedValues[next[row]] = values[index]
            next[row] += 1
        }
        var offsets = [0]
        offsets.reserveCapacity(rowCount + 1)
        var outColumns: [Int32] = []
        var outValues: [Float] = []
        outColumns.reserveCapacity(rows.count)
        outValues.reserveCapacity(rows.count)
        var scratch: [(Int32, Float)] = []
        for row in 0..<rowCount {
            scratch.removeAll(keepingCapacity: true)
            for position in counts[row]..<counts[row + 1] { scratch.append((sortedColumns[position], sortedValues[position])) }
            scratch.sort { $0.0 < $1.0 }
            for (column, value) in scratch {
                if outColumns.count > offsets[row], outColumns.last == column {
                    outValues[outValues.count - 1] += value
                } else {
                    outColumns.append(column)
                    outValues.append(value)
                }
            }
            offsets.append(outColumns.count)
        }
        return CSRMatrix(rowOffsets: offsets, columns: outColumns, values: outValues, columnCount: columnCount)
    }
}
