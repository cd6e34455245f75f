import BacklineCore
import BacklineModel
import Foundation

/// The Last.fm-2k fixed split as model inputs: artists indexed over train ∪ test (the 17,632
/// artists the peers rank), members over train ∪ test, tags from user_taggedartists.dat.
struct LastFMData {
    let members: IdentifierIndex
    let artists: IdentifierIndex
    let train: SparseMatrix
    let test: SparseMatrix
    let tagTable: InteractionTable

    init(directory: String) throws {
        let trainTable = try InteractionTable(bytes: FileAccess.readAll(directory + "/split-seed42/train.tsv"), source: "train.tsv")
        let testTable = try InteractionTable(bytes: FileAccess.readAll(directory + "/split-seed42/test.tsv"), source: "test.tsv")
        let numeric: (String, String) -> Bool = { (Int($0) ?? 0) < (Int($1) ?? 0) }
        members = try IdentifierIndex(Set(trainTable.memberIdentifiers + testTable.memberIdentifiers).sorted(by: numeric))
        artists = try IdentifierIndex(Set(trainTable.artistIdentifiers + testTable.artistIdentifiers).sorted(by: numeric))
        train = try trainTable.matrix(members: members, artists: artists, skipUnknown: false, source: "train.tsv")
        test = try testTable.matrix(members: members, artists: artists, skipUnknown: false, source: "test.tsv")
        tagTable = try InteractionTable(bytes: FileAccess.readAll(directory + "/user_taggedartists.dat"), source: "user_taggedartists.dat")
    }

    /// Tag features over these members and artists.
    func tagFeatures(minimumCount: Int, maximumPerRow: Int, inverseFrequency: Bool) throws -> TagFeatures {
        try TagFeatures(
            table: tagTable,
            members: members,
            artists: artists,
            minimumCount: minimumCount,
            maximumPerRow: maximumPerRow,
            inverseFrequency: inverseFrequency
        )
    }

    /// Splits `matrix` per member: about `fraction` of each member's items (members with ≥ 5) go to
    /// the second matrix, chosen by a seeded shuffle.
    static func holdout(_ matrix: SparseMatrix, fraction: Double, seed: UInt64) throws -> (SparseMatrix, SparseMatrix) {
        var generator = SeededGenerator(seed: seed)
        var kept: [(row: Int, column: Int, value: Float)] = []
        var held: [(row: Int, column: Int, value: Float)] = []
        for row in 0..<matrix.rowCount {
            let range = matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1]
            let n = range.count
            let holdCount = n >= 5 ? Int((Double(n) * fraction).rounded()) : 0
            var order = Array(range)
            order.shuffle(using: &generator)
            for (position, index) in order.enumerated() {
                let triple = (row, Int(matrix.columns[index]), matrix.values[index])
                if position < holdCount { held.append(triple) } else { kept.append(triple) }
            }
        }
        return (
            try SparseMatrix(rowCount: matrix.rowCount, columnCount: matrix.columnCount, triples: kept),
            try SparseMatrix(rowCount: matrix.rowCount, columnCount: matrix.columnCount, triples: held)
        )
    }
}
