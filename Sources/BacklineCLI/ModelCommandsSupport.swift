import BacklineCore
import BacklineModel
import Foundation

/// Shared loading for the model commands: TSV interaction tables, the tag file, model files.
enum ModelCommandSupport {
    /// Reads and parses a tab-separated table, naming the file in errors.
    static func table(_ path: String) throws -> InteractionTable {
        try InteractionTable(bytes: FileAccess.readAll(path), source: path)
    }

    /// Identifiers sorted numerically when they are all integers, else in first-appearance order.
    static func ordered(_ identifiers: [String]) -> [String] {
        guard identifiers.allSatisfy({ Int($0) != nil }) else { return identifiers }
        return identifiers.sorted { Int($0)! < Int($1)! }
    }

    /// The artist → tag table of a model: empty when it has no artist features, otherwise rebuilt
    /// from `tagsPath` over the model's vocabulary.
    static func artistFeatures(archive: ModelArchive, tagsPath: String?) throws -> SparseMatrix {
        guard archive.artistFeatureVocabulary.count > 0 else { return .empty(rowCount: archive.artists.count, columnCount: 0) }
        guard let tagsPath else { throw UsageError("this model uses artist tags: pass the same --tags file it was trained with") }
        let maximum = Int(archive.extra["tag_maximum_per_row"] ?? "") ?? 50
        let features = try TagFeatures(
            table: table(tagsPath),
            members: IdentifierIndex(),
            artists: archive.artists,
            maximumPerRow: maximum,
            vocabulary: archive.artistFeatureVocabulary
        )
        return features.artists
    }

    /// A model file with its artist features.
    static func load(modelPath: String, tagsPath: String?) throws -> (archive: ModelArchive, model: FactorModel) {
        let archive = try ModelArchive(bytes: FileAccess.readAll(modelPath))
        return (archive, try archive.model(artistFeatures: artistFeatures(archive: archive, tagsPath: tagsPath)))
    }

    /// Members of `table` folded into `model` (exact solves): their index and representations.
    static func foldIn(
        _ table: InteractionTable,
        model: FactorModel,
        artists: IdentifierIndex,
        threads: Int,
        source: String
    ) throws
        -> (members: IdentifierIndex, interactions: SparseMatrix, representations: DenseMatrix)
    {
        let members = try IdentifierIndex(ordered(table.memberIdentifiers))
        let interactions = try table.matrix(members: members, artists: artists, skipUnknown: true, source: source)
        let memberFeatures = SparseMatrix.empty(rowCount: members.count, columnCount: model.memberFeatureCount)
        let folded = try model.foldInMembers(interactions: interactions, memberFeatures: memberFeatures, threads: threads)
        return (members, interactions, folded.representations)
    }

    /// One result line of a query.
    struct Result: Encodable {
        let rank: Int
        let id: String
        let score: Float
    }

    /// Prints query results as a table or JSON.
    static func report(_ items: [ScoredItem], identifiers: IdentifierIndex, header: String, context: CommandContext) throws {
        let results = items.enumerated().map {
            Result(rank: $0.offset + 1, id: identifiers.identifiers[$0.element.index], score: $0.element.score)
        }
        struct Report: Encodable {
            let query: String
            let results: [Result]
        }
        try context.report(Report(query: header, results: results)) {
            ([header] + results.map { "\($0.rank)\t\($0.id)\t\(String(format: "%.4f", $0.score))" }).joined(separator: "\n")
        }
    }
}
