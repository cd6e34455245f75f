import BacklineFederation
import BacklineModel
import BacklinePrivacy
import Foundation

/// NDCG@10 of DP federated training on a synthetic 5-promoter federation for ε ∈ {0.5, 1, 2, 4, 8, ∞}
/// (ε per promoter for the whole training, δ = 1e-6, q = 1), against the non-private run.
func runFederationCurveBench(_ reporter: BenchReporter, members: Int, rounds: Int, learningRate: Double) throws {
    reporter.progress("federation curve: 5 promoters x \(members) synthetic members, \(rounds) rounds, η = \(learningRate)")
    let federation = try SyntheticFederation(shape: .init(members: Array(repeating: members, count: 5), artists: 300), seed: 7)
    let specification = try federation.specification(factors: 16)
    let comparison = try FederationComparison(promoters: federation.promoters, tests: federation.tests, specification: specification, threads: 2)
    func mean(_ metrics: [RankingMetrics]) -> Double {
        metrics.reduce(0.0) { $0 + $1.ndcg * Double($1.members) } / Double(max(1, metrics.reduce(0) { $0 + $1.members }))
    }
    var results: [(epsilon: Double?, ndcg: Double)] = []
    for epsilon in [nil, 8, 4, 2, 1, 0.5] as [Double?] {
        var simulation = try makeFederationBenchSimulation(promoters: federation.promoters, specification: specification, epsilon: epsilon,
                                                          rounds: rounds, clip: 1, learningRate: learningRate, threads: 2)
        var noise = SecureNoiseSource()
        var spent = 0.0
        let seconds = try measureSeconds { try simulation.run(rounds: rounds, noise: &noise) { spent = $0.epsilonSpent.max() ?? 0 } }
        let ndcg = mean(try comparison.federated(simulation.trainer.parameters))
        results.append((epsilon, ndcg))
        let label = epsilon.map { String($0) } ?? "inf"
        reporter.progress(String(format: "federation curve: ε=%@ NDCG@10 %.4f, ε spent %.3f, %.1f s", label, ndcg, spent, seconds))
        reporter.emit("federation_synthetic_\(members)x5_ndcg10_eps_\(label)", ndcg, "ndcg")
    }
    let reference = results[0].ndcg
    if let two = results.first(where: { $0.epsilon == 2 }) {
        reporter.emit("federation_synthetic_\(members)x5_ndcg10_eps_2_vs_nondp", two.ndcg, "ndcg", peer: "non-private federated",
                      peerValue: reference, goal: ">= 0.90")
    }
    let pooled = mean(try comparison.pooled(iterations: 15, seed: 42))
    let alone = mean(try comparison.alone(iterations: 15, seed: 42))
    reporter.progress(String(format: "federation curve: pooled ALS %.4f, alone ALS %.4f", pooled, alone))
    reporter.emit("federation_synthetic_\(members)x5_ndcg10_pooled_als", pooled, "ndcg")
    reporter.emit("federation_synthetic_\(members)x5_ndcg10_alone_als", alone, "ndcg")
}
