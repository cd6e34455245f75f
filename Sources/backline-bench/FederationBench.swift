import BacklineCore
import BacklineFederation
import BacklineModel
import BacklinePrivacy
import Foundation

/// Federated training figures (reported in the privacy group): Last.fm without DP against pooled
/// and alone ALS; the synthetic ε curve; one round of local work for a 200 000-member promoter.
/// Parts and sizes from the environment: FEDERATION_BENCH_PARTS (lastfm,curve,speed),
/// the Last.fm plan (``FederationLastFMPlan``), the curve's plan (``FederationCurvePlan``), FEDERATION_SPEED_MEMBERS,
/// FEDERATION_SPEED_SERIAL, FEDERATION_LEARNING_RATE (FedAdam η, default 0.2).
func runFederationBench(_ reporter: BenchReporter) throws {
    let environment = ProcessInfo.processInfo.environment
    let parts = Set((environment["FEDERATION_BENCH_PARTS"] ?? "speed,curve,lastfm").split(separator: ",").map(String.init))
    func number(_ key: String, _ fallback: Int) -> Int { environment[key].flatMap { Int($0) } ?? fallback }
    let learningRate = environment["FEDERATION_LEARNING_RATE"].flatMap { Double($0) } ?? 0.2
    if parts.contains("speed") {
        try runFederationSpeedBench(
            reporter,
            members: number("FEDERATION_SPEED_MEMBERS", 200_000),
            serial: environment["FEDERATION_SPEED_SERIAL"] == "1"
        )
    }
    if parts.contains("curve") {
        try runFederationCurveBench(reporter, plan: FederationCurvePlan(environment: environment, learningRate: learningRate))
    }
    if parts.contains("lastfm") {
        try runFederationLastFMBench(
            reporter,
            directory: environment["MODEL_BENCH_DATA"] ?? "../shared/data/lastfm-2k",
            plan: FederationLastFMPlan(environment: environment)
        )
    }
}

/// A simulation over `promoters` with FedAdam, optional DP calibrated to `epsilon` over `rounds`.
func makeFederationBenchSimulation(
    promoters: [PromoterData],
    specification: ModelSpecification,
    epsilon: Double?,
    rounds: Int,
    clip: Double,
    learningRate: Double,
    threads: Int,
    samplingRate: Double = 1
) throws -> FederatedSimulation {
    let privacy = try epsilon.map {
        try PrivacySettings.calibrated(targetEpsilon: $0, delta: 1e-6, samplingRate: samplingRate, rounds: rounds, clipNorm: clip)
    }
    var seedGenerator = SeededGenerator(seed: 99)
    let nodes = try promoters.map { data in
        try NodeRound(
            data: data,
            specification: specification,
            samplingRate: samplingRate,
            samplingSeed: SecureBytes((0..<PoissonSampler.seedCount).map { _ in UInt8.random(in: 0...255, using: &seedGenerator) }),
            privacy: privacy,
            ledger: epsilon.map { try PrivacyLedger(promoter: data.name, budget: PrivacyBudget(epsilon: $0, delta: 1e-6)) },
            threads: threads
        )
    }
    let trainer = try FederatedTrainer(
        specification: specification,
        initial: specification.initialParameters(seed: 42, scale: 0.1),
        optimizer: .adam(learningRate: learningRate),
        minimumContributions: 1
    )
    return try FederatedSimulation(nodes: nodes, trainer: trainer)
}

/// Seconds of one private round of local work (solve, gradients, clip, noise) for one promoter,
/// on all cores (and, with FEDERATION_SPEED_SERIAL=1, on one thread for comparison), with the
/// closed-form member solves timed apart so the share of the gradient + clip + sum is visible.
func runFederationSpeedBench(_ reporter: BenchReporter, members: Int, serial: Bool) throws {
    reporter.progress("federation speed: generating one promoter of \(members) synthetic members")
    let federation = try SyntheticFederation(shape: .init(members: [members], artists: 300), seed: 5)
    let specification = try federation.specification(factors: 16)
    let data = federation.promoters[0]
    let threads = NodeRound.availableThreads
    let global = try specification.initialParameters(seed: 42, scale: 0.1)
    let solveSeconds = try measureSeconds {
        _ = try specification.model(global).foldInMembers(
            interactions: data.interactions,
            memberFeatures: data.memberFeatures,
            threads: threads
        )
    }
    reporter.emit("federation_node_member_solves_seconds_\(members)_members", solveSeconds, "s")
    for count in serial ? [1, threads] : [threads] {
        var simulation = try makeFederationBenchSimulation(
            promoters: federation.promoters,
            specification: specification,
            epsilon: 2,
            rounds: 10,
            clip: 1,
            learningRate: 0.05,
            threads: count
        )
        var noise = SecureNoiseSource()
        let summary = try simulation.runRound(noise: &noise)
        reporter.progress(
            String(
                format:
                    "federation speed: %d members, %d thread(s): one round %.2f s (node %.2f s, of which member solves ~%.2f s), k=16, 300 artists",
                members,
                count,
                summary.seconds,
                summary.slowestNodeSeconds,
                solveSeconds
            )
        )
        let suffix = count == threads ? "" : "_\(count)_thread"
        reporter.emit("federation_node_round_seconds_\(members)_members\(suffix)", summary.slowestNodeSeconds, "s", goal: "<= 60")
        reporter.emit("federation_node_round_threads\(suffix)", Double(count), "threads")
        if count == threads {
            reporter.emit("federation_parameters_k16_300_artists", Double(simulation.trainer.parameters.scalarCount), "floats")
        }
    }
}
