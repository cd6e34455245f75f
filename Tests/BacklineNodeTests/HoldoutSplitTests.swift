import BacklineCore
import BacklineModel
import BacklineNode
import Testing

@Suite struct HoldoutSplitTests {
    /// A random members × artists matrix with 1…12 entries per row.
    static func matrix(rows: Int, columns: Int, seed: UInt64) throws -> SparseMatrix {
        var generator = SeededGenerator(seed: seed)
        var triples: [(row: Int, column: Int, value: Float)] = []
        for row in 0..<rows {
            let count = Int.random(in: 1...12, using: &generator)
            for column in Set((0..<count).map { _ in Int.random(in: 0..<columns, using: &generator) }) {
                triples.append((row, column, Float.random(in: 1...9, using: &generator)))
            }
        }
        return try SparseMatrix(rowCount: rows, columnCount: columns, triples: triples)
    }

    static func entries(_ matrix: SparseMatrix, memberIDs: [Int64], artistIDs: [Int64]) -> Set<String> {
        var result = Set<String>()
        for row in 0..<matrix.rowCount {
            for position in matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1] {
                result.insert("\(memberIDs[row]):\(artistIDs[Int(matrix.columns[position])]):\(matrix.values[position])")
            }
        }
        return result
    }

    @Test func theTwoPartsPartitionTheEntriesAndHoldOutAboutTheFraction() throws {
        let matrix = try Self.matrix(rows: 2000, columns: 300, seed: 3)
        let members = (0..<2000).map { Int64($0 * 7 + 100) }
        let artists = (0..<300).map { Int64($0 * 3 + 1) }
        let split = try HoldoutSplit(fraction: 0.2, seed: 9).split(matrix, memberIDs: members, artistIDs: artists)
        let train = Self.entries(split.train, memberIDs: members, artistIDs: artists)
        let test = Self.entries(split.test, memberIDs: members, artistIDs: artists)
        #expect(train.isDisjoint(with: test))
        #expect(train.union(test) == Self.entries(matrix, memberIDs: members, artistIDs: artists))
        let share = Double(split.test.entryCount) / Double(matrix.entryCount)
        #expect(share > 0.15 && share < 0.21)
        for row in 0..<matrix.rowCount {
            let trainCount = split.train.rowOffsets[row + 1] - split.train.rowOffsets[row]
            #expect(trainCount >= 1)
            if matrix.rowOffsets[row + 1] - matrix.rowOffsets[row] == 1 { #expect(trainCount == 1) }
        }
    }

    @Test func theHeldOutEntriesDependOnIdentifiersNotOnRowOrder() throws {
        let matrix = try Self.matrix(rows: 300, columns: 80, seed: 5)
        let members = (0..<300).map { Int64($0 + 1) }
        let artists = (0..<80).map { Int64($0 + 1000) }
        let split = try HoldoutSplit(fraction: 0.3, seed: 1).split(matrix, memberIDs: members, artistIDs: artists)
        // The same data with the rows reversed.
        var triples: [(row: Int, column: Int, value: Float)] = []
        for row in 0..<matrix.rowCount {
            for position in matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1] {
                triples.append((matrix.rowCount - 1 - row, Int(matrix.columns[position]), matrix.values[position]))
            }
        }
        let reversed = try SparseMatrix(rowCount: matrix.rowCount, columnCount: matrix.columnCount, triples: triples)
        let reversedMembers = Array(members.reversed())
        let again = try HoldoutSplit(fraction: 0.3, seed: 1).split(reversed, memberIDs: reversedMembers, artistIDs: artists)
        #expect(
            Self.entries(again.test, memberIDs: reversedMembers, artistIDs: artists)
                == Self.entries(split.test, memberIDs: members, artistIDs: artists)
        )
        let otherSeed = try HoldoutSplit(fraction: 0.3, seed: 2).split(matrix, memberIDs: members, artistIDs: artists)
        #expect(
            Self.entries(otherSeed.test, memberIDs: members, artistIDs: artists)
                != Self.entries(split.test, memberIDs: members, artistIDs: artists)
        )
    }

    @Test(arguments: [-0.1, 0.51, Double.nan, Double.infinity])
    func aFractionOutsideTheRangeIsRefused(fraction: Double) {
        #expect(throws: NodeError.self) { try HoldoutSplit(fraction: fraction, seed: 1) }
    }

    @Test func aFractionOfZeroHoldsNothingOut() throws {
        let matrix = try Self.matrix(rows: 50, columns: 20, seed: 8)
        let split = try HoldoutSplit(fraction: 0, seed: 1).split(
            matrix,
            memberIDs: (0..<50).map(Int64.init),
            artistIDs: (0..<20).map(Int64.init)
        )
        #expect(split.test.entryCount == 0)
        #expect(split.train.entryCount == matrix.entryCount)
    }
}
