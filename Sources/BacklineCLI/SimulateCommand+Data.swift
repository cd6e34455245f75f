internal import BacklineCore
internal import BacklineFederation
internal import BacklineModel
import Foundation

/// A federation ready to simulate: the agreed specification, each promoter's training data and test table.
struct FederationSetup {
    let specification: ModelSpecification
    let promoters: [PromoterData]
    let tests: [SparseMatrix]

    /// Last.fm-2k's fixed split divided into promoters by `partition` (header `user promoter`).
    /// Artists are indexed over train ∪ test (all 17,632 ranked); no side features.
    static func lastfm(directory: String, partition: String, factors: Int, regularization: Float) throws -> Self {
        let train = try ModelCommandSupport.table(directory + "/split-seed42/train.tsv")
        let test = try ModelCommandSupport.table(directory + "/split-seed42/test.tsv")
        let assignment = try partitionRows(partition)
        let artists = try IdentifierIndex(
            ModelCommandSupport.ordered(InteractionTable.unique(train.artistIdentifiers + test.artistIdentifiers))
        )
        var byPromoter: [String: [String]] = [:]
        for (user, promoter) in assignment { byPromoter[promoter, default: []].append(user) }
        guard !byPromoter.isEmpty else { throw UsageError("\(partition): no user → promoter rows") }
        let specification = try ModelSpecification(
            artistFeatures: .empty(rowCount: artists.count, columnCount: 0),
            memberFeatureCount: 0,
            factors: factors,
            regularization: regularization,
            featureRegularization: regularization,
            weighting: .log(alpha: 2)
        )
        var promoters: [PromoterData] = []
        var tests: [SparseMatrix] = []
        for promoter in ModelCommandSupport.ordered(Array(byPromoter.keys)) {
            let members = try IdentifierIndex(ModelCommandSupport.ordered(byPromoter[promoter]!))
            let interactions = try train.matrix(members: members, artists: artists, skipUnknown: true, source: "train.tsv")
            tests.append(try test.matrix(members: members, artists: artists, skipUnknown: true, source: "test.tsv"))
            promoters.append(
                try PromoterData(
                    name: "promoter \(promoter)",
                    interactions: interactions,
                    memberFeatures: .empty(rowCount: members.count, columnCount: 0),
                    specification: specification
                )
            )
        }
        return Self(specification: specification, promoters: promoters, tests: tests)
    }

    /// The (user, promoter) pairs of a two-column TSV with an optional `user promoter` header.
    static func partitionRows(_ path: String) throws -> [(user: String, promoter: String)] {
        let text = String(decoding: try FileAccess.readAll(path), as: UTF8.self)
        var rows: [(user: String, promoter: String)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw UsageError("\(path) line \(index + 1): expected two tab-separated fields user, promoter")
            }
            if index == 0 && fields[0] == "user" { continue }
            rows.append((fields[0], fields[1]))
        }
        return rows
    }
}
