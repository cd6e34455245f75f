internal import BacklineCrypto
internal import BacklineFederation
internal import BacklineModel
internal import BacklinePrivacy
import Foundation

/// `backline simulate`: private federated training in one process, compared with each promoter
/// alone and with central training on the pooled data.
struct SimulateCommand: Command {
    let name = "simulate"
    let abstract = "Simulate federated training in process: federated vs alone vs pooled NDCG@10, ε per promoter"
    var options: [OptionSpec] {
        [
            .value("lastfm", "DIR", "Last.fm-2k directory (split-seed42/train.tsv, test.tsv)"),
            .value("partition", "FILE", "user → promoter TSV (default DIR/promoters5.tsv)"),
            .flag("synthetic", "Use a seeded synthetic federation instead of Last.fm"),
            .value("promoters", "N", "Synthetic: number of promoters (default 5)"),
            .value("members", "M", "Synthetic: members per promoter (default 2000)"),
            .value("artists", "A", "Synthetic: artists in the catalogue (default 500)"),
            .value("seed", "S", "Synthetic data and initial model seed (default 42)"),
            .value("rounds", "R", "Federated rounds"),
            .value("epsilon", "E", "Privacy budget ε per promoter for the whole training"),
            .value("delta", "D", "δ per promoter (default 1e-6)"),
            .flag("no-dp", "Non-private comparison mode: no clipping, no noise, no ledger"),
            .value("clip", "C", "Clipping norm of one member's gradient (default 1)"),
            .value("q", "Q", "Poisson sampling rate per round (default 1)"),
            .value("learning-rate", "η", "FedAdam server learning rate (default 0.2)"),
            .value("factors", "K", "Factor width (default 32)"),
            .value("lambda", "L", "Regularisation λ (Last.fm default 50, synthetic 3)"),
            .value("baseline-iterations", "I", "ALS sweeps of the alone and pooled baselines (default 15)"),
            .value("threads", "T", "Threads for member solves and evaluation (default 2)"),
        ]
    }
    var discussion: String {
        """
        Each round every promoter solves its members' factors in closed form, sums their clipped
        gradients of the global parameters (artist factors and feature embeddings), adds Gaussian
        noise (σ calibrated so that the rounds spend at most ε, δ) and releases only that sum and
        a noised count; the server applies the mean with FedAdam. Progress goes to stderr.

        Examples:
          backline simulate --lastfm data/lastfm-2k --rounds 60 --no-dp
          backline simulate --synthetic --promoters 5 --members 20000 --rounds 30 --epsilon 2 --delta 1e-6 --json
        """
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let settings = try SimulationSettings(arguments)
        let setup = try settings.loadSetup()
        let noDP = arguments.flag("no-dp")
        let epsilon = try arguments.value("epsilon").map { _ in try arguments.double("epsilon", in: 1e-6...1e6) }
        guard noDP != (epsilon != nil) else { throw UsageError("give exactly one of --epsilon E or --no-dp") }
        let delta = try arguments.double("delta", default: 1e-6, in: 1e-15...0.1)
        let clip = try arguments.double("clip", default: 1, in: 1e-9...1e9)
        let privacy = try epsilon.map {
            try PrivacySettings.calibrated(
                targetEpsilon: $0,
                delta: delta,
                samplingRate: settings.samplingRate,
                rounds: settings.rounds,
                clipNorm: clip
            )
        }
        let nodes = try setup.promoters.map { data in
            try NodeRound(
                data: data,
                specification: setup.specification,
                samplingRate: settings.samplingRate,
                samplingSeed: SecureRandom.secureBytes(PoissonSampler.seedCount),
                privacy: privacy,
                ledger: epsilon.map { try PrivacyLedger(promoter: data.name, budget: PrivacyBudget(epsilon: $0, delta: delta)) },
                threads: settings.threads
            )
        }
        let trainer = try FederatedTrainer(
            specification: setup.specification,
            initial: setup.specification.initialParameters(seed: settings.seed, scale: 0.1),
            optimizer: .adam(learningRate: settings.learningRate),
            minimumContributions: 1
        )
        var simulation = try FederatedSimulation(nodes: nodes, trainer: trainer)
        if let privacy {
            context.note(
                String(format: "noise multiplier z = %.3f, clip C = %g, q = %g", privacy.noiseMultiplier, clip, settings.samplingRate)
            )
        }
        var noise = SecureNoiseSource()
        var lastSpent: [Double] = []
        try simulation.run(rounds: settings.rounds, noise: &noise) { summary in
            lastSpent = summary.epsilonSpent
            let spent = summary.epsilonSpent.max().map { String(format: ", ε spent ≤ %.3f", $0) } ?? ""
            context.note(
                String(
                    format: "round %d/%d: %.2f s (slowest node %.2f s)%@",
                    Int(summary.round),
                    settings.rounds,
                    summary.seconds,
                    summary.slowestNodeSeconds,
                    spent
                )
            )
        }
        context.note("evaluating: federated, then each promoter alone, then pooled")
        let comparison = try FederationComparison(
            promoters: setup.promoters,
            tests: setup.tests,
            specification: setup.specification,
            threads: settings.threads
        )
        let report = try SimulationReport(
            promoters: setup.promoters,
            federated: comparison.federated(simulation.trainer.parameters),
            alone: comparison.alone(iterations: settings.baselineIterations, seed: settings.seed),
            pooled: comparison.pooled(iterations: settings.baselineIterations, seed: settings.seed),
            epsilonSpent: lastSpent,
            rounds: settings.rounds,
            epsilon: epsilon,
            delta: epsilon == nil ? nil : delta
        )
        try context.report(report) { report.table() }
        return 0
    }
}
