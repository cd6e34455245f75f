import BacklineCore
import BacklineFederation
import BacklineModel
import BacklinePrivacy
import Foundation

/// Federated training figures (reported in the privacy group): Last.fm without DP against pooled
/// and alone ALS; the synthetic ε curve; one round of local work for a 200 000-member promoter.
/// Parts and sizes from the environment: FEDERATION_BENCH_PARTS (lastfm,curve,speed),
/// FEDERATION_LASTFM_ROUNDS, FEDERATION_CURVE_MEMBERS, FEDERATION_CURVE_ROUNDS, FEDERATION_SPEED_MEMBERS,
/// FEDERATION_LEARNING_RATE (FedAdam η, default 0.2).
func runFederationBench(_ reporter: BenchReporter) throws {
    let environment = ProcessInfo.processInfo.environment
    let parts = Set((environment["FEDERATION_BENCH_PARTS"] ?? "speed,curve,lastfm").split(separator: ",").map(String.init))
    func number(_ key: String, _ fallback: Int) -> Int { environment[key].flatMap { Int($0) } ?? fallback }
    let learningRate = environment["FEDERATION_LEARNING_RATE"].flatMap { Double($0) } ?? 0.2
    if parts.contains("speed") { try runFederationSpeedBench(reporter, members: number("FEDERATION_SPEED_MEMBERS", 200_000)) }
    if parts.contains("curve") {
        try runFederationCurveBench(reporter, members: number("FEDERATION_CURVE_MEMBERS", 20_000), rounds: number("FEDERATION_CURVE_ROUNDS", 10),
                                     learningRate: learningRate)
    }
    if parts.contains("lastfm") {
        try runFederationLastFMBench(reporter, directory: environment["MODEL_BENCH_DATA"] ?? "../shared/data/lastfm-2k",
                                     rounds: number("FEDERATION_LASTFM_ROUNDS", 40), learningRate: learningRate)
    }
}

/// A simulation over `promoters` with FedAdam, optional DP calibrated to `epsilon` over `rounds`.
func makeFederationBenchSimulation(promoters: [PromoterData], specification: ModelSpecification, epsilon: Double?, rounds: Int,
                                   clip: Double, learningRate: Double, threads: Int) throws -> FederatedSimulation {
    let privacy = try epsilon.map {
        try PrivacySettings.calibrated(targetEpsilon: $0, delta: 1e-6, samplingRate: 1, rounds: rounds, clipNorm: clip)
    }
    var seedGenerator = SeededGenerator(seed: 99)
    let nodes = try promoters.map { data in
        try NodeRound(data: data, specification: specification, samplingRate: 1,
                      samplingSeed: SecureBytes((0..<PoissonSampler.seedCount).map { _ in UInt8.random(in: 0...255, using: &seedGenerator) }),
                      privacy: privacy,
                      ledger: epsilon.map { try PrivacyLedger(promoter: data.name, budget: PrivacyBudget(epsilon: $0, delta: 1e-6)) },
                      threads: threads)
    }
    let trainer = try FederatedTrainer(specification: specification, initial: specification.initialParameters(seed: 42, scale: 0.1),
                                       optimizer: .adam(learningRate: learningRate), minimumContributions: 1)
    return try FederatedSimulation(nodes: nodes, trainer: trainer)
}

/// Seconds of one private round of local work (solve, gradients, clip, noise) for one promoter.
func runFederationSpeedBench(_ reporter: BenchReporter, members: Int) throws {
    reporter.progress("federation speed: generating one promoter of \(members) synthetic members")
    let federation = try SyntheticFederation(shape: .init(members: [members], artists: 300), seed: 5)
    let specification = try federation.specification(factors: 16)
    var simulation = try makeFederationBenchSimulation(promoters: federation.promoters, specification: specification, epsilon: 2,
                                                      rounds: 10, clip: 1, learningRate: 0.05, threads: 2)
    var noise = SecureNoiseSource()
    let summary = try simulation.runRound(noise: &noise)
    reporter.progress(String(format: "federation speed: %d members, one round %.2f s (node %.2f s), k=16, 300 artists",
                             members, summary.seconds, summary.slowestNodeSeconds))
    reporter.emit("federation_node_round_seconds_\(members)_members", summary.slowestNodeSeconds, "s", goal: "<= 60")
    reporter.emit("federation_parameters_k16_300_artists", Double(simulation.trainer.parameters.scalarCount), "floats")
}
