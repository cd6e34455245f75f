import BacklineCore
import BacklineFederation
import BacklineModel
import BacklinePrivacy
import Foundation

/// Last.fm-2k split into the five taste promoters of promoters5.tsv, no DP: federated NDCG@10 vs
/// ALS on the pooled data and each promoter's ALS alone (same k = 32, λ = 50, log(α = 2)).
func runFederationLastFMBench(_ reporter: BenchReporter, directory: String, rounds: Int, learningRate: Double) throws {
    let data = try LastFMData(directory: directory)
    let text = String(decoding: try FileAccess.readAll(directory + "/promoters5.tsv"), as: UTF8.self)
    var byPromoter: [Int: [Int]] = [:]
    for line in text.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: "\t")
        guard fields.count == 2, let promoter = Int(fields[1]), let member = data.members.index(of: String(fields[0])) else { continue }
        byPromoter[promoter, default: []].append(member)
    }
    let specification = try ModelSpecification(artistFeatures: .empty(rowCount: data.artists.count, columnCount: 0), memberFeatureCount: 0,
                                                factors: 32, regularization: 50, featureRegularization: 50, weighting: .log(alpha: 2))
    var promoters: [PromoterData] = [], tests: [SparseMatrix] = []
    for promoter in byPromoter.keys.sorted() {
        let rows = byPromoter[promoter]!.sorted()
        let interactions = try federationBenchRows(rows, of: data.train), test = try federationBenchRows(rows, of: data.test)
        promoters.append(try PromoterData(name: "promoter\(promoter)", interactions: interactions,
                                          memberFeatures: .empty(rowCount: rows.count, columnCount: 0), specification: specification))
        tests.append(test)
    }
    reporter.progress("federation lastfm: \(promoters.map(\.memberCount)) members, \(rounds) rounds, no DP, η = \(learningRate)")
    var simulation = try makeFederationBenchSimulation(promoters: promoters, specification: specification, epsilon: nil, rounds: rounds,
                                                      clip: 1, learningRate: learningRate, threads: 2)
    var noise = SecureNoiseSource()
    try simulation.run(rounds: rounds, noise: &noise) { summary in
        reporter.progress(String(format: "federation lastfm: round %d %.2f s", Int(summary.round), summary.seconds))
    }
    let comparison = try FederationComparison(promoters: promoters, tests: tests, specification: specification, threads: 2)
    let federated = try comparison.federated(simulation.trainer.parameters)
    let pooled = try comparison.pooled(iterations: 15, seed: 42)
    let alone = try comparison.alone(iterations: 15, seed: 42)
    func mean(_ metrics: [RankingMetrics]) -> Double {
        metrics.reduce(0.0) { $0 + $1.ndcg * Double($1.members) } / Double(max(1, metrics.reduce(0) { $0 + $1.members }))
    }
    for index in promoters.indices {
        reporter.progress(String(format: "federation lastfm: %@ federated %.4f alone %.4f pooled %.4f", promoters[index].name,
                                 federated[index].ndcg, alone[index].ndcg, pooled[index].ndcg))
        reporter.emit("federation_lastfm_\(promoters[index].name)_ndcg10_federated_vs_alone", federated[index].ndcg, "ndcg",
                      peer: "same promoter alone (ALS)", peerValue: alone[index].ndcg, goal: "> 1")
    }
    reporter.emit("federation_lastfm_ndcg10_federated_vs_pooled", mean(federated), "ndcg", peer: "pooled central ALS",
                  peerValue: mean(pooled), goal: ">= 0.99")
}

/// Rows `rows` (ascending) of `matrix`.
func federationBenchRows(_ rows: [Int], of matrix: SparseMatrix) throws -> SparseMatrix {
    var offsets = [0], columns: [Int32] = [], values: [Float] = []
    for row in rows {
        let range = matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1]
        columns += matrix.columns[range]
        values += matrix.values[range]
        offsets.append(columns.count)
    }
    return try SparseMatrix(rowCount: rows.count, columnCount: matrix.columnCount, rowOffsets: offsets, columns: columns, values: values)
}
