internal import BacklineModel

/// Row-wise concatenation of sparse tables with the same column count (a local helper: the
/// model module has no such operation).
enum SparseStacking {
    /// The rows of `parts`, one after the other.
    /// - Throws: `shape_mismatch` when the column counts differ.
    static func stacked(_ parts: [SparseMatrix]) throws -> SparseMatrix {
        guard let first = parts.first else { throw FederationError.invalidParameter("table count", 0, expected: "≥ 1") }
        guard parts.allSatisfy({ $0.columnCount == first.columnCount }) else {
            throw FederationError.shapeMismatch("stacked tables", "column counts differ")
        }
        var offsets = [0]
        var columns: [Int32] = []
        var values: [Float] = []
        for part in parts {
            let base = columns.count
            offsets += part.rowOffsets.dropFirst().map { $0 + base }
            columns += part.columns
            values += part.values
        }
        return try SparseMatrix(
            rowCount: parts.reduce(0) { $0 + $1.rowCount },
            columnCount: first.columnCount,
            rowOffsets: offsets,
            columns: columns,
            values: values
        )
    }

    /// Rows `rows` (each in range, any order) of `matrix`, in that order.
    static func rows(_ rows: [Int], of matrix: SparseMatrix) throws -> SparseMatrix {
        var offsets = [0]
        var columns: [Int32] = []
        var values: [Float] = []
        offsets.reserveCapacity(rows.count + 1)
        for row in rows {
            let range = matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1]
            columns += matrix.columns[range]
            values += matrix.values[range]
            offsets.append(columns.count)
        }
        return try SparseMatrix(
            rowCount: rows.count,
            columnCount: matrix.columnCount,
            rowOffsets: offsets,
            columns: columns,
            values: values
        )
    }

    /// Rows `range` of `matrix` as a dense matrix with the same columns.
    static func rows(_ range: Range<Int>, of matrix: DenseMatrix) throws -> DenseMatrix {
        try DenseMatrix(
            rows: range.count,
            columns: matrix.columns,
            storage: Array(matrix.storage[range.lowerBound * matrix.columns..<range.upperBound * matrix.columns])
        )
    }
}
