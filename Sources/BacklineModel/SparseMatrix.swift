/// A compressed-sparse-row matrix of Float32 values: the member × artist interaction matrix
/// (values are interaction strengths, e.g. play counts or tickets) and the entity × feature
/// side-feature tables (values are feature weights).
///
/// Row `r` holds the columns `columns[rowOffsets[r]..<rowOffsets[r + 1]]`, strictly increasing,
/// with their `values`. Construct through ``init(rowCount:columnCount:rowOffsets:columns:values:)``,
/// which validates shapes, sortedness, bounds and finiteness.
public struct SparseMatrix: Sendable, Equatable {
    /// Number of rows (members, or entities with features).
    public let rowCount: Int
    /// Number of columns (artists, or features).
    public let columnCount: Int
    /// `rowCount + 1` offsets into ``columns`` and ``values``; first 0, last `columns.count`.
    public let rowOffsets: [Int]
    /// Column index of each stored entry.
    public let columns: [Int32]
    /// Value of each stored entry, finite and ≥ 0.
    public let values: [Float]

    /// Number of stored entries.
    public var entryCount: Int { columns.count }

    /// A validated matrix.
    /// - Throws: ``ModelError`` `invalidShape` (offsets/lengths), `outOfRange` (column bounds or
    ///   order), `nonFinite` (NaN/Inf), `invalidArgument` (negative value).
    public init(rowCount: Int, columnCount: Int, rowOffsets: [Int], columns: [Int32], values: [Float]) throws {
        guard rowCount >= 0, columnCount >= 0, columnCount <= Int(Int32.max) else {
            throw ModelError.invalidShape("matrix size \(rowCount) x \(columnCount) is invalid")
        }
        guard rowOffsets.count == rowCount + 1 else {
            throw ModelError.invalidShape("rowOffsets has \(rowOffsets.count) entries, expected \(rowCount + 1)")
        }
        guard columns.count == values.count else {
            throw ModelError.invalidShape("columns has \(columns.count) entries but values has \(values.count)")
        }
        guard rowOffsets.first == 0, rowOffsets.last == columns.count else {
            throw ModelError.invalidShape("rowOffsets must start at 0 and end at \(columns.count)")
        }
        for row in 0..<rowCount where rowOffsets[row] > rowOffsets[row + 1] {
            throw ModelError.invalidShape("rowOffsets decrease at row \(row)")
        }
        for row in 0..<rowCount {
            let start = rowOffsets[row]
            let end = rowOffsets[row + 1]
            var previous: Int32 = -1
            for index in start..<end {
                let column = columns[index]
                guard column >= 0, Int(column) < columnCount else {
                    throw ModelError.outOfRange("row \(row): column \(column) outside 0..<\(columnCount)")
                }
                guard column > previous else {
                    throw ModelError.outOfRange("row \(row): columns not strictly increasing at \(column)")
                }
                previous = column
                let value = values[index]
                guard value.isFinite else { throw ModelError.nonFinite("value at row \(row), column \(column)") }
                guard value >= 0 else {
                    throw ModelError.invalidArgument("value at row \(row), column \(column) is negative (\(value))")
                }
            }
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowOffsets = rowOffsets
        self.columns = columns
        self.values = values
    }

    /// Builds a matrix from unordered `(row, column, value)` triples; duplicates are summed.
    public init(rowCount: Int, columnCount: Int, triples: [(row: Int, column: Int, value: Float)]) throws {
        var counts = [Int](repeating: 0, count: rowCount + 1)
        for triple in triples {
            guard triple.row >= 0, triple.row < rowCount else {
                throw ModelError.outOfRange("row \(triple.row) outside 0..<\(rowCount)")
            }
            counts[triple.row + 1] += 1
        }
        for row in 0..<rowCount { counts[row + 1] += counts[row] }
        var order = [Int](repeating: 0, count: triples.count)
        var next = counts
        for (index, triple) in triples.enumerated() {
            order[next[triple.row]] = index
            next[triple.row] += 1
        }
        var offsets = [0]
        var columns: [Int32] = []
        var values: [Float] = []
        columns.reserveCapacity(triples.count)
        values.reserveCapacity(triples.count)
        for row in 0..<rowCount {
            let slice = order[counts[row]..<counts[row + 1]].sorted { triples[$0].column < triples[$1].column }
            for index in slice {
                let triple = triples[index]
                guard triple.column >= 0, triple.column < columnCount else {
                    throw ModelError.outOfRange("row \(row): column \(triple.column) outside 0..<\(columnCount)")
                }
                if let last = columns.last, columns.count > offsets[row], Int(last) == triple.column {
                    values[values.count - 1] += triple.value
                } else {
                    columns.append(Int32(triple.column))
                    values.append(triple.value)
                }
            }
            offsets.append(columns.count)
        }
        try self.init(rowCount: rowCount, columnCount: columnCount, rowOffsets: offsets, columns: columns, values: values)
    }

    /// Internal initialiser for data already known to be valid (transposes, slices).
    init(unchecked rowCount: Int, columnCount: Int, rowOffsets: [Int], columns: [Int32], values: [Float]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowOffsets = rowOffsets
        self.columns = columns
        self.values = values
    }

    /// An empty `rowCount` × `columnCount` matrix.
    public static func empty(rowCount: Int, columnCount: Int) -> SparseMatrix {
        SparseMatrix(
            unchecked: rowCount,
            columnCount: columnCount,
            rowOffsets: [Int](repeating: 0, count: rowCount + 1),
            columns: [],
            values: []
        )
    }

    /// Number of entries in `row`.
    public func count(ofRow row: Int) -> Int { rowOffsets[row + 1] - rowOffsets[row] }

    /// The column indices of `row`.
    public func columns(ofRow row: Int) -> ArraySlice<Int32> { columns[rowOffsets[row]..<rowOffsets[row + 1]] }

    /// Whether `row` holds `column` (binary search).
    public func contains(row: Int, column: Int) -> Bool {
        var low = rowOffsets[row]
        var high = rowOffsets[row + 1]
        while low < high {
            let mid = (low + high) / 2
            let value = Int(columns[mid])
            if value == column { return true }
            if value < column { low = mid + 1 } else { high = mid }
        }
        return false
    }

    /// The transpose, with rows sorted (counting sort, O(entries)).
    public func transposed() -> SparseMatrix {
        var offsets = [Int](repeating: 0, count: columnCount + 1)
        for column in columns { offsets[Int(column) + 1] += 1 }
        for column in 0..<columnCount { offsets[column + 1] += offsets[column] }
        var next = offsets
        var newColumns = [Int32](repeating: 0, count: entryCount)
        var newValues = [Float](repeating: 0, count: entryCount)
        for row in 0..<rowCount {
            for index in rowOffsets[row]..<rowOffsets[row + 1] {
                let column = Int(columns[index])
                newColumns[next[column]] = Int32(row)
                newValues[next[column]] = values[index]
                next[column] += 1
            }
        }
        return SparseMatrix(
            unchecked: columnCount,
            columnCount: rowCount,
            rowOffsets: offsets,
            columns: newColumns,
            values: newValues
        )
    }

    /// A copy whose every row's values are scaled to sum of squares 1 (for feature weights).
    public func rowNormalized() -> SparseMatrix {
        var newValues = values
        for row in 0..<rowCount {
            let range = rowOffsets[row]..<rowOffsets[row + 1]
            var sum: Float = 0
            for index in range { sum += newValues[index] * newValues[index] }
            guard sum > 0 else { continue }
            let scale = 1 / sum.squareRoot()
            for index in range { newValues[index] *= scale }
        }
        return SparseMatrix(
            unchecked: rowCount,
            columnCount: columnCount,
            rowOffsets: rowOffsets,
            columns: columns,
            values: newValues
        )
    }
}
