import BacklineModel
import Foundation

/// Quality on Last.fm-2k: a small grid tuned on a validation split carved from train (20 % of
/// each member's train artists, seed 7), the chosen configuration retrained on all of train and
/// scored on test; every grid point's test score is printed too, so both protocols are visible.
enum ModelBenchQuality {
    struct Setting: CustomStringConvertible {
        var factors = 64
        var regularization: Float = 50
        var featureRegularization: Float = 10
        var weighting = ConfidenceWeighting.log(alpha: 2)
        var iterations = 15
        var tags = 1
        var steps = 3
        var idf = 0
        var tagMinimum = 2
        var tagMaximum = 50
        var description: String {
            "f=\(factors) reg=\(regularization) freg=\(featureRegularization) w=\(weighting) it=\(iterations) tags=\(tags) cg=\(steps) tmin=\(tagMinimum) tmax=\(tagMaximum) idf=\(idf)"
        }

        /// Parses `key=value` pairs separated by spaces or commas over the defaults.
        init(parsing text: String) throws {
            for pair in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                switch parts[0] {
                case "f": factors = Int(parts[1]) ?? factors
                case "reg": regularization = Float(parts[1]) ?? regularization
                case "freg": featureRegularization = Float(parts[1]) ?? featureRegularization
                case "w": weighting = try ConfidenceWeighting(parsing: parts[1])
                case "it": iterations = Int(parts[1]) ?? iterations
                case "tags": tags = Int(parts[1]) ?? tags
                case "cg": steps = Int(parts[1]) ?? steps
                case "idf": idf = Int(parts[1]) ?? idf
                case "tmin": tagMinimum = Int(parts[1]) ?? tagMinimum
                case "tmax": tagMaximum = Int(parts[1]) ?? tagMaximum
                default: break
                }
            }
        }
    }

    /// The grid the bench runs by default: implicit's configuration without tags, then the
    /// best tag configurations found while tuning (other points tried are in the report).
    static let defaultGrid = [
        "f=64 reg=50 w=log:2 tags=0",
        "f=256 reg=50 w=log:2 tags=2 freg=30 tmin=1 tmax=200 it=25",
        "f=384 reg=50 w=log:2 tags=2 freg=30 tmin=1 tmax=200",
    ]

    static func run(_ reporter: BenchReporter, data: LastFMData, peer: ModelBenchPeer.Figures) throws {
        let environment = ProcessInfo.processInfo.environment
        let grid = try (environment["MODEL_BENCH_GRID"].map { $0.split(separator: ";").map(String.init) } ?? defaultGrid)
            .map { try Setting(parsing: $0) }
        let (validationTrain, validation) = try LastFMData.holdout(data.train, fraction: 0.2, seed: 7)
        var counts = [Int](repeating: 0, count: data.train.columnCount)
        for column in data.train.columns { counts[Int(column)] += 1 }
        let cold = Set(counts.indices.filter { counts[$0] == 0 })
        var best: (setting: Setting, validation: Double, test: RankingMetrics, cold: RankingMetrics)?
        for setting in grid {
            let validationNDCG = try score(setting, data: data, train: validationTrain, test: validation).ndcg
            let result = try train(setting, data: data, train: data.train)
            let evaluator = try RankingEvaluator(k: 10, includeAUC: true, threads: 2)
            let artists = result.model.artistRepresentations()
            let test = try evaluator.evaluate(members: result.memberRepresentations, artists: artists, train: data.train, test: data.test)
            let coldMetrics = try evaluator.evaluate(
                members: result.memberRepresentations,
                artists: artists,
                train: data.train,
                test: data.test,
                candidates: cold
            )
            reporter.progress(
                String(
                    format: "%@: validation NDCG@10 %.4f, test NDCG@10 %.4f recall@10 %.4f",
                    setting.description,
                    validationNDCG,
                    test.ndcg,
                    test.recall
                )
            )
            reporter.emit("grid_validation_ndcg10 \(setting)", validationNDCG, "ndcg")
            reporter.emit("grid_test_ndcg10 \(setting)", test.ndcg, "ndcg")
            if best == nil || validationNDCG > best!.validation { best = (setting, validationNDCG, test, coldMetrics) }
        }
        guard let best else { return }
        let metrics = best.test
        reporter.progress("chosen on validation: \(best.setting)")
        let peerBest = peer.bestNDCG ?? 0.2447
        let peerName =
            peer.bestNDCG == nil ? "implicit-als best (reference figure, peer unavailable)" : "implicit-als f=128 reg=50 alpha=2 log1p"
        reporter.emit(
            "test_ndcg10 (validation-chosen \(best.setting))",
            metrics.ndcg,
            "ndcg",
            peer: peerName,
            peerValue: peerBest,
            goal: ">= 1.1"
        )
        reporter.emit("test_recall10", metrics.recall, "recall")
        reporter.emit("test_precision10", metrics.precision, "precision")
        reporter.emit("test_hr10", metrics.hitRate, "hit rate")
        reporter.emit("test_map10", metrics.map, "map")
        reporter.emit("test_auc", metrics.auc, "auc")
        reporter.emit("cold_artist_ndcg10 (ranking only the \(cold.count) artists without train pairs)", best.cold.ndcg, "ndcg")
        reporter.emit("cold_artist_recall10", best.cold.recall, "recall")
    }

    static func train(_ setting: Setting, data: LastFMData, train: SparseMatrix) throws -> TrainingResult {
        var configuration = TrainingConfiguration()
        configuration.factors = setting.factors
        configuration.regularization = setting.regularization
        configuration.featureRegularization = setting.featureRegularization
        configuration.weighting = setting.weighting
        configuration.iterations = setting.iterations
        configuration.threads = 2
        let features: SideFeatures
        configuration.conjugateGradientSteps = setting.steps
        if setting.tags > 0 {
            // 1: member and artist tags, 2: artist tags only, 3: member tags only.
            let tags = try data.tagFeatures(
                minimumCount: setting.tagMinimum,
                maximumPerRow: setting.tagMaximum,
                inverseFrequency: setting.idf == 1
            )
            let none = SideFeatures.none(memberCount: train.rowCount, artistCount: train.columnCount)
            features = SideFeatures(
                members: setting.tags == 2 ? none.members : tags.members,
                artists: setting.tags == 3 ? none.artists : tags.artists
            )
        } else {
            features = .none(memberCount: train.rowCount, artistCount: train.columnCount)
        }
        return try ALSTrainer(configuration: configuration).train(interactions: train, features: features)
    }

    static func score(
        _ setting: Setting,
        data: LastFMData,
        train trainMatrix: SparseMatrix,
        test: SparseMatrix,
        auc: Bool = false
    ) throws -> RankingMetrics {
        let result = try train(setting, data: data, train: trainMatrix)
        return try RankingEvaluator(k: 10, includeAUC: auc, threads: 2).evaluate(
            members: result.memberRepresentations,
            artists: result.model.artistRepresentations(),
            train: trainMatrix,
            test: test
        )
    }
}
