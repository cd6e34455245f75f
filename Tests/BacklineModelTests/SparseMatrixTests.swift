import BacklineCore
import BacklineModel
import Testing

@Suite struct SparseMatrixTests {
    @Test func validMatrixKeepsItsEntriesAndTransposes() throws {
        let matrix = try SparseMatrix(rowCount: 2, columnCount: 3, rowOffsets: [0, 2, 3], columns: [0, 2, 1], values: [1, 2, 3])
        let transposed = matrix.transposed()
        #expect(transposed.rowCount == 3 && transposed.columnCount == 2)
        #expect(transposed.rowOffsets == [0, 1, 2, 3])
        #expect(transposed.columns == [0, 1, 0])
        #expect(transposed.values == [1, 3, 2])
        #expect(matrix.contains(row: 0, column: 2) && !matrix.contains(row: 0, column: 1))
    }

    @Test func triplesAreSortedAndDuplicatesSummed() throws {
        let matrix = try SparseMatrix(rowCount: 2, columnCount: 3, triples: [(1, 2, 1), (0, 1, 2), (1, 0, 4), (1, 2, 5)])
        #expect(matrix.rowOffsets == [0, 1, 3])
        #expect(matrix.columns == [1, 0, 2])
        #expect(matrix.values == [2, 4, 6])
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let description: String
        let offsets: [Int]
        let columns: [Int32]
        let values: [Float]
        let code: ModelError.Code
    }

    @Test(arguments: [
        BadCase(description: "offset count", offsets: [0, 1], columns: [0], values: [1], code: .invalidShape),
        BadCase(description: "last offset", offsets: [0, 1, 1], columns: [0, 1], values: [1, 1], code: .invalidShape),
        BadCase(description: "decreasing offsets", offsets: [0, 2, 1], columns: [0], values: [1], code: .invalidShape),
        BadCase(description: "values length", offsets: [0, 1, 1], columns: [0], values: [1, 2], code: .invalidShape),
        BadCase(description: "column too large", offsets: [0, 1, 1], columns: [3], values: [1], code: .outOfRange),
        BadCase(description: "negative column", offsets: [0, 1, 1], columns: [-1], values: [1], code: .outOfRange),
        BadCase(description: "unsorted", offsets: [0, 2, 2], columns: [2, 1], values: [1, 1], code: .outOfRange),
        BadCase(description: "duplicate", offsets: [0, 2, 2], columns: [1, 1], values: [1, 1], code: .outOfRange),
        BadCase(description: "NaN", offsets: [0, 1, 1], columns: [0], values: [.nan], code: .nonFinite),
        BadCase(description: "infinity", offsets: [0, 1, 1], columns: [0], values: [.infinity], code: .nonFinite),
        BadCase(description: "negative value", offsets: [0, 1, 1], columns: [0], values: [-1], code: .invalidArgument),
    ])
    func invalidMatrixIsRefusedWithItsCode(_ bad: BadCase) {
        #expect(throws: ModelError(code: bad.code, reason: "")) {
            try SparseMatrix(rowCount: 2, columnCount: 3, rowOffsets: bad.offsets, columns: bad.columns, values: bad.values)
        }
    }

    @Test func rowNormalisationGivesUnitRows() throws {
        let matrix = try SparseMatrix(rowCount: 2, columnCount: 2, triples: [(0, 0, 3), (0, 1, 4)]).rowNormalized()
        #expect(abs(matrix.values[0] - 0.6) < 1e-6 && abs(matrix.values[1] - 0.8) < 1e-6)
    }
}
