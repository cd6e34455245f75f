import BacklineCore
import BacklineFederation
import BacklineModel
import BacklinePrivacy
import Foundation

/// The Last.fm run's choices, all made on a validation split carved from train (20 % of each
/// member's train artists, seed 7, as the model bench does), never on test.
struct FederationLastFMPlan {
    /// Factor widths k tried (FEDERATION_LASTFM_FACTORS, comma-separated). 64 gives the issue's
    /// 1.1 M global parameters (17 632 artists × 64).
    var factors = [32, 64]
    /// FedAdam learning rates tried (FEDERATION_LASTFM_RATES, comma-separated).
    var learningRates = [0.2, 0.4]
    /// Most rounds tried (FEDERATION_LASTFM_ROUNDS); validation is scored every `checkEvery` rounds.
    var maximumRounds = 70
    /// Validation checkpoint spacing (FEDERATION_LASTFM_CHECK_EVERY).
    var checkEvery = 10
    /// Local fine-tuning lengths tried per promoter (FEDERATION_LASTFM_FINE_TUNE, comma-separated; 0 = none).
    var fineTuneRounds = [0, 5, 10, 20]
    /// FedAdam η of the local fine-tuning (FEDERATION_LASTFM_FINE_TUNE_RATE).
    var fineTuneRate = 0.05

    init(environment: [String: String]) {
        func list(_ key: String) -> [Double]? {
            environment[key].map { $0.split(separator: ",").compactMap { Double($0) } }.flatMap { $0.isEmpty ? nil : $0 }
        }
        learningRates = list("FEDERATION_LASTFM_RATES") ?? learningRates
        factors = list("FEDERATION_LASTFM_FACTORS").map { $0.map { Int($0) } } ?? factors
        maximumRounds = environment["FEDERATION_LASTFM_ROUNDS"].flatMap { Int($0) } ?? maximumRounds
        checkEvery = max(1, environment["FEDERATION_LASTFM_CHECK_EVERY"].flatMap { Int($0) } ?? checkEvery)
        fineTuneRounds = list("FEDERATION_LASTFM_FINE_TUNE").map { $0.map { Int($0) } } ?? fineTuneRounds
        fineTuneRate = environment["FEDERATION_LASTFM_FINE_TUNE_RATE"].flatMap { Double($0) } ?? fineTuneRate
    }
}

/// Last.fm-2k split into the five taste promoters of promoters5.tsv, no DP: federated NDCG@10 vs
/// ALS on the pooled data and each promoter's ALS alone (same k, λ = 50, log(α = 2)).
///
/// Protocol: on the validation split, pick the factor width k, the FedAdam η and the number of
/// rounds R (best mean validation NDCG@10 over all members), then, per promoter, the length of a local fine-tuning of
/// the federated model on the promoter's own data (0 allowed; the fine-tuned copy never leaves the
/// promoter, like its member factors). Then train on all of train with (η, R), fine-tune, and
/// score on test. Each promoter's alone, federated, federated + fine-tuning and pooled figures are
/// printed; "alone" is compared at the chosen k and at k = 32 and the better of the two on test
/// is the peer (the stricter comparison: a small promoter alone may prefer fewer factors).
func runFederationLastFMBench(_ reporter: BenchReporter, directory: String, plan: FederationLastFMPlan) throws {
    let data = try LastFMData(directory: directory)
    let text = String(decoding: try FileAccess.readAll(directory + "/promoters5.tsv"), as: UTF8.self)
    var byPromoter: [Int: [Int]] = [:]
    for line in text.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: "\t")
        guard fields.count == 2, let promoter = Int(fields[1]), let member = data.members.index(of: String(fields[0])) else { continue }
        byPromoter[promoter, default: []].append(member)
    }
    func specification(factors: Int) throws -> ModelSpecification {
        try ModelSpecification(
            artistFeatures: .empty(rowCount: data.artists.count, columnCount: 0),
            memberFeatureCount: 0,
            factors: factors,
            regularization: 50,
            featureRegularization: 50,
            weighting: .log(alpha: 2)
        )
    }
    let groups = byPromoter.keys.sorted().map { (name: "promoter\($0)", rows: byPromoter[$0]!.sorted()) }
    func comparison(train: SparseMatrix, test: SparseMatrix, factors: Int) throws -> FederationComparison {
        let specification = try specification(factors: factors)
        var promoters: [PromoterData] = []
        var tests: [SparseMatrix] = []
        for group in groups {
            promoters.append(
                try PromoterData(
                    name: group.name,
                    interactions: federationBenchRows(group.rows, of: train),
                    memberFeatures: .empty(rowCount: group.rows.count, columnCount: 0),
                    specification: specification
                )
            )
            tests.append(try federationBenchRows(group.rows, of: test))
        }
        return try FederationComparison(
            promoters: promoters,
            tests: tests,
            specification: specification,
            threads: NodeRound.availableThreads
        )
    }
    let (validationTrain, validation) = try LastFMData.holdout(data.train, fraction: 0.2, seed: 7)
    reporter.progress(
        "federation lastfm: choosing k in \(plan.factors), η in \(plan.learningRates) and R ≤ \(plan.maximumRounds) on validation"
    )

    // 1. k, η and R on validation.
    var chosen: (factors: Int, rate: Double, rounds: Int, ndcg: Double, parameters: ParameterSet, tuning: FederationComparison)?
    for factors in plan.factors {
        let tuning = try comparison(train: validationTrain, test: validation, factors: factors)
        for rate in plan.learningRates {
            var simulation = try makeFederationBenchSimulation(
                promoters: tuning.promoters,
                specification: tuning.specification,
                epsilon: nil,
                rounds: plan.maximumRounds,
                clip: 1,
                learningRate: rate,
                threads: NodeRound.availableThreads
            )
            var noise = SecureNoiseSource()
            for round in 1...plan.maximumRounds {
                let summary = try simulation.runRound(noise: &noise)
                guard round % plan.checkEvery == 0 else { continue }
                let ndcg = federationBenchMean(try tuning.federated(simulation.trainer.parameters))
                reporter.progress(
                    String(
                        format: "federation lastfm: validation k=%d η=%.3g R=%d NDCG@10 %.4f (round %.2f s)",
                        factors,
                        rate,
                        round,
                        ndcg,
                        summary.seconds
                    )
                )
                reporter.emit("federation_lastfm_validation_ndcg10_k\(factors)_eta\(rate)_R\(round)", ndcg, "ndcg")
                if chosen == nil || ndcg > chosen!.ndcg { chosen = (factors, rate, round, ndcg, simulation.trainer.parameters, tuning) }
            }
        }
    }
    guard let chosen else { return }
    let tuning = chosen.tuning
    reporter.emit("federation_lastfm_chosen_factors", Double(chosen.factors), "k")
    reporter.emit("federation_lastfm_chosen_learning_rate", chosen.rate, "eta")
    reporter.emit("federation_lastfm_chosen_rounds", Double(chosen.rounds), "rounds")

    // 2. Each promoter's fine-tuning length on validation.
    let fineTuneOptimizer = try ServerOptimizer.adam(learningRate: plan.fineTuneRate)
    var fineTune: [Int] = []
    for index in tuning.promoters.indices {
        var best = (rounds: 0, ndcg: try tuning.federated(promoter: index, chosen.parameters).ndcg)
        let longest = plan.fineTuneRounds.max() ?? 0
        _ = try tuning.fineTuned(promoter: index, global: chosen.parameters, rounds: longest, optimizer: fineTuneOptimizer) {
            round,
            parameters in
            guard plan.fineTuneRounds.contains(round) else { return }
            let ndcg = try tuning.federated(promoter: index, parameters).ndcg
            if ndcg > best.ndcg { best = (round, ndcg) }
        }
        fineTune.append(best.rounds)
        reporter.progress(
            String(
                format: "federation lastfm: %@ fine-tuning chosen on validation: %d rounds (validation NDCG@10 %.4f)",
                tuning.promoters[index].name,
                best.rounds,
                best.ndcg
            )
        )
    }

    // 3. Train on all of train with the choices; score on test.
    let final = try comparison(train: data.train, test: data.test, factors: chosen.factors)
    var simulation = try makeFederationBenchSimulation(
        promoters: final.promoters,
        specification: final.specification,
        epsilon: nil,
        rounds: chosen.rounds,
        clip: 1,
        learningRate: chosen.rate,
        threads: NodeRound.availableThreads
    )
    var noise = SecureNoiseSource()
    let seconds = try measureSeconds { try simulation.run(rounds: chosen.rounds, noise: &noise) }
    reporter.progress(
        String(
            format: "federation lastfm: %d rounds on train, %.1f s (%.2f s per round)",
            chosen.rounds,
            seconds,
            seconds / Double(chosen.rounds)
        )
    )
    let global = simulation.trainer.parameters
    let federated = try final.federated(global)
    let tuned = try final.promoters.indices.map { index in
        try final.federated(
            promoter: index,
            final.fineTuned(promoter: index, global: global, rounds: fineTune[index], optimizer: fineTuneOptimizer)
        )
    }
    let pooled = try final.pooled(iterations: 15, seed: 42)
    let aloneChosen = try final.alone(iterations: 15, seed: 42)
    let aloneSmall =
        chosen.factors == 32 ? aloneChosen : try comparison(train: data.train, test: data.test, factors: 32).alone(iterations: 15, seed: 42)
    let alone = zip(aloneChosen, aloneSmall).map { $0.ndcg >= $1.ndcg ? $0 : $1 }
    for index in final.promoters.indices {
        let name = final.promoters[index].name
        reporter.progress(
            String(
                format:
                    "federation lastfm: %@ (%d members) alone k=%d %.4f, alone k=32 %.4f, federated %.4f, federated+fine-tune(%d) %.4f, pooled %.4f",
                name,
                final.promoters[index].memberCount,
                chosen.factors,
                aloneChosen[index].ndcg,
                aloneSmall[index].ndcg,
                federated[index].ndcg,
                fineTune[index],
                tuned[index].ndcg,
                pooled[index].ndcg
            )
        )
        reporter.emit("federation_lastfm_\(name)_ndcg10_alone", alone[index].ndcg, "ndcg")
        reporter.emit("federation_lastfm_\(name)_ndcg10_pooled", pooled[index].ndcg, "ndcg")
        reporter.emit(
            "federation_lastfm_\(name)_ndcg10_federated_vs_alone",
            federated[index].ndcg,
            "ndcg",
            peer: "same promoter alone (ALS)",
            peerValue: alone[index].ndcg,
            goal: "> 1"
        )
        reporter.emit(
            "federation_lastfm_\(name)_ndcg10_federated_finetuned_vs_alone",
            tuned[index].ndcg,
            "ndcg",
            peer: "same promoter alone (ALS)",
            peerValue: alone[index].ndcg,
            goal: "> 1"
        )
    }
    reporter.emit(
        "federation_lastfm_ndcg10_federated_vs_pooled",
        federationBenchMean(federated),
        "ndcg",
        peer: "pooled central ALS",
        peerValue: federationBenchMean(pooled),
        goal: ">= 0.99"
    )
    reporter.emit(
        "federation_lastfm_ndcg10_federated_finetuned_vs_pooled",
        federationBenchMean(tuned),
        "ndcg",
        peer: "pooled central ALS",
        peerValue: federationBenchMean(pooled),
        goal: ">= 0.99"
    )
}

/// Member-weighted mean NDCG@10.
func federationBenchMean(_ metrics: [RankingMetrics]) -> Double {
    metrics.reduce(0.0) { $0 + $1.ndcg * Double($1.members) } / Double(max(1, metrics.reduce(0) { $0 + $1.members }))
}

/// Rows `rows` (ascending) of `matrix`.
func federationBenchRows(_ rows: [Int], of matrix: SparseMatrix) throws -> SparseMatrix {
    var offsets = [0]
    var columns: [Int32] = []
    var values: [Float] = []
    for row in rows {
        let range = matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1]
        columns += matrix.columns[range]
        values += matrix.values[range]
        offsets.append(columns.count)
    }
    return try SparseMatrix(rowCount: rows.count, columnCount: matrix.columnCount, rowOffsets: offsets, columns: columns, values: values)
}
