import BacklineCore
import BacklineFederation
import BacklineModel
import BacklinePrivacy
import Foundation

/// How the ε curve is run: scale and the training plan every ε shares.
struct FederationCurvePlan {
    /// Members per promoter (5 promoters).
    var members = 200_000
    /// Rounds R.
    var rounds = 40
    /// Poisson sampling rate q.
    var samplingRate = 0.05
    /// Clip norm C.
    var clipNorm = 1.0
    /// FedAdam η.
    var learningRate = 0.2
    /// Whether to train pooled and alone ALS too (slow at 10⁶ members).
    var baselines = true

    /// The plan from the environment: PRIVACY_BENCH_MEMBERS (or FEDERATION_CURVE_MEMBERS),
    /// FEDERATION_CURVE_ROUNDS, FEDERATION_CURVE_Q, FEDERATION_CURVE_CLIP, FEDERATION_CURVE_BASELINES (0/1).
    init(environment: [String: String], learningRate: Double) {
        members = (environment["PRIVACY_BENCH_MEMBERS"] ?? environment["FEDERATION_CURVE_MEMBERS"]).flatMap { Int($0) } ?? members
        rounds = environment["FEDERATION_CURVE_ROUNDS"].flatMap { Int($0) } ?? rounds
        samplingRate = environment["FEDERATION_CURVE_Q"].flatMap { Double($0) } ?? samplingRate
        clipNorm = environment["FEDERATION_CURVE_CLIP"].flatMap { Double($0) } ?? clipNorm
        baselines = environment["FEDERATION_CURVE_BASELINES"].map { $0 != "0" } ?? baselines
        self.learningRate = learningRate
    }
}

/// NDCG@10 of DP federated training on a synthetic federation of 5 promoters for ε ∈ {0.5, 1, 2, 4,
/// 8, ∞} (ε per promoter for the whole training, δ = 1e-6), against the non-private run (ε = ∞:
/// same rounds and sampling, no clipping, no noise).
///
/// Every ε runs the same plan (R rounds at Poisson rate q, clip C, FedAdam η); the noise multiplier
/// is the accountant's inverse (``PrivacySettings/calibrated(targetEpsilon:delta:samplingRate:rounds:clipNorm:)``:
/// the smallest σ whose RDP ε over R rounds at rate q is ≤ the target), so each run spends its ε
/// (the ledger's figure is printed). Sampling keeps the work per round at about q·members per
/// node and amplifies privacy.
func runFederationCurveBench(_ reporter: BenchReporter, plan: FederationCurvePlan) throws {
    let members = plan.members
    reporter.progress(
        "federation curve: 5 promoters x \(members) synthetic members, \(plan.rounds) rounds at q = \(plan.samplingRate), C = \(plan.clipNorm), η = \(plan.learningRate)"
    )
    var federation: SyntheticFederation?
    let generation = try measureSeconds {
        federation = try SyntheticFederation(shape: .init(members: Array(repeating: members, count: 5), artists: 300), seed: 7)
    }
    guard let federation else { return }
    reporter.progress(String(format: "federation curve: data generated in %.1f s", generation))
    let specification = try federation.specification(factors: 16)
    let threads = NodeRound.availableThreads
    let comparison = try FederationComparison(
        promoters: federation.promoters,
        tests: federation.tests,
        specification: specification,
        threads: threads
    )
    let label = "\(members)x5"
    reporter.emit("federation_synthetic_\(label)_rounds", Double(plan.rounds), "rounds")
    reporter.emit("federation_synthetic_\(label)_sampling_rate", plan.samplingRate, "q")
    var results: [(epsilon: Double?, ndcg: Double)] = []
    var curveSeconds = 0.0
    for epsilon in [nil, 8, 4, 2, 1, 0.5] as [Double?] {
        let name = epsilon.map { String($0) } ?? "inf"
        var simulation = try makeFederationBenchSimulation(
            promoters: federation.promoters,
            specification: specification,
            epsilon: epsilon,
            rounds: plan.rounds,
            clip: plan.clipNorm,
            learningRate: plan.learningRate,
            threads: threads,
            samplingRate: plan.samplingRate
        )
        if let privacy = simulation.nodes.first?.privacy {
            reporter.emit("federation_synthetic_\(label)_noise_multiplier_eps_\(name)", privacy.noiseMultiplier, "z")
        }
        var noise = SecureNoiseSource()
        var spent = 0.0
        let trainSeconds = try measureSeconds {
            try simulation.run(rounds: plan.rounds, noise: &noise) { summary in
                spent = summary.epsilonSpent.max() ?? 0
                if summary.round % 10 == 0 {
                    reporter.progress(String(format: "federation curve: ε=%@ round %d, %.2f s", name, Int(summary.round), summary.seconds))
                }
            }
        }
        var ndcg = 0.0
        let evaluationSeconds = try measureSeconds { ndcg = federationBenchMean(try comparison.federated(simulation.trainer.parameters)) }
        curveSeconds += trainSeconds + evaluationSeconds
        results.append((epsilon, ndcg))
        reporter.progress(
            String(
                format: "federation curve: ε=%@ NDCG@10 %.4f, ε spent %.3f, train %.1f s, evaluate %.1f s",
                name,
                ndcg,
                spent,
                trainSeconds,
                evaluationSeconds
            )
        )
        reporter.emit("federation_synthetic_\(label)_ndcg10_eps_\(name)", ndcg, "ndcg")
        if epsilon != nil { reporter.emit("federation_synthetic_\(label)_epsilon_spent_eps_\(name)", spent, "epsilon") }
    }
    reporter.emit("federation_synthetic_\(label)_curve_seconds", curveSeconds, "s", goal: "<= 600")
    let reference = results[0].ndcg
    for (epsilon, ndcg) in results.dropFirst() where epsilon! <= 2 {
        reporter.emit(
            "federation_synthetic_\(label)_ndcg10_eps_\(epsilon!)_vs_nondp",
            ndcg,
            "ndcg",
            peer: "non-private federated",
            peerValue: reference,
            goal: ">= 0.90"
        )
    }
    guard plan.baselines else { return }
    let pooled = federationBenchMean(try comparison.pooled(iterations: 15, seed: 42))
    let alone = federationBenchMean(try comparison.alone(iterations: 15, seed: 42))
    reporter.progress(String(format: "federation curve: pooled ALS %.4f, alone ALS %.4f", pooled, alone))
    reporter.emit("federation_synthetic_\(label)_ndcg10_pooled_als", pooled, "ndcg")
    reporter.emit("federation_synthetic_\(label)_ndcg10_alone_als", alone, "ndcg")
}
