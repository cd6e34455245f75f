internal import BacklineCore
internal import BacklineModel
internal import BacklineVault
import Foundation

/// `backline evaluate --vault …`: ranking metrics from a random split of the vault's
/// interactions, for warm members and for cold-start members, against a popularity baseline.
enum VaultEvaluateQuery {
    /// Options added to `backline evaluate` for vault mode.
    static let options: [OptionSpec] =
        vaultOptions + [
            .value("holdout", "FRACTION", "Vault mode: share of each warm member's artists held out (default 0.2)"),
            .value("cold-members", "FRACTION", "Vault mode: share of members held out whole, for cold start (default 0.1)"),
            .value("seed", "N", "Vault mode: split seed (default 7)"),
        ]

    static let discussion = """
        With --vault: the vault's member × artist interactions are split at random (each warm member
        keeps at least one artist; --cold-members of the members lose all of theirs), a model with
        the model file's hyper-parameters is trained on the rest, and warm members are ranked with
        their train artists removed. Cold members are ranked from their features alone (u = F·E).
        Both are compared with ranking by popularity in the training split.
        """

    /// The split: training interactions, held-out pairs of warm members and of cold members.
    struct Split {
        let train: SparseMatrix
        let warmTest: SparseMatrix
        let coldTest: SparseMatrix
        let coldMembers: Set<Int>
    }

    static func split(_ matrix: CSRMatrix, holdout: Double, coldShare: Double, seed: UInt64) throws -> Split {
        var generator = SeededGenerator(seed: seed)
        var train: [(row: Int, column: Int, value: Float)] = []
        var warm = train
        var cold = train
        var coldMembers = Set<Int>()
        for row in 0..<matrix.rowCount {
            let entries = Array(matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1])
            guard !entries.isEmpty else { continue }
            if generator.nextUnitDouble() < coldShare {
                coldMembers.insert(row)
                for position in entries { cold.append((row, Int(matrix.columns[position]), matrix.values[position])) }
                continue
            }
            var order = entries
            order.shuffle(using: &generator)
            let held = entries.count < 2 ? 0 : min(entries.count - 1, max(1, Int((Double(entries.count) * holdout).rounded())))
            for (rank, position) in order.enumerated() {
                let triple = (row, Int(matrix.columns[position]), matrix.values[position])
                if rank < held { warm.append(triple) } else { train.append(triple) }
            }
        }
        func sparse(_ triples: [(row: Int, column: Int, value: Float)]) throws -> SparseMatrix {
            try SparseMatrix(rowCount: matrix.rowCount, columnCount: matrix.columnCount, triples: triples)
        }
        return Split(train: try sparse(train), warmTest: try sparse(warm), coldTest: try sparse(cold), coldMembers: coldMembers)
    }

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let k = try arguments.integer("k", default: 10, in: 1...100_000)
        let threads = try arguments.integer("threads", default: 2, in: 1...256)
        let holdout = try arguments.double("holdout", default: 0.2, in: 0.01...0.9)
        let coldShare = try arguments.double("cold-members", default: 0.1, in: 0...0.9)
        let seed = UInt64(try arguments.integer("seed", default: 7, in: 0...Int.max))
        let modelPath = try arguments.required("model")
        let archive = try ModelArchive(bytes: FileAccess.readAll(modelPath))
        let view = try VaultData.load(from: openVaultStreams(arguments, create: false)).trainingView()
        let parts = try split(view.interactions, holdout: holdout, coldShare: coldShare, seed: seed)
        let note: (@Sendable (String) -> Void)? = context.json ? nil : context.note
        let configuration = NodeModelSupport.configuration(of: archive, threads: threads)
        note?(
            "evaluate: training on \(parts.train.entryCount) interactions, \(parts.warmTest.entryCount) held out, \(parts.coldMembers.count) cold members"
        )
        let result = try ALSTrainer(configuration: configuration).train(
            interactions: parts.train,
            features: NodeModelSupport.features(view)
        ) { progress in
            note?(String(format: "evaluate: sweep %d of %d: %.2f s", progress.iteration, configuration.iterations, progress.seconds))
        }
        let artists = result.model.artistRepresentations()
        let evaluator = try RankingEvaluator(k: k, includeAUC: true, threads: threads)
        let warm = try evaluator.evaluate(members: result.memberRepresentations, artists: artists, train: parts.train, test: parts.warmTest)
        let features = try NodeModelSupport.sparse(view.memberFeatures)
        let featureOnly = try NodeModelSupport.representations(
            own: DenseMatrix(rows: view.memberIDs.count, columns: configuration.factors),
            features: features,
            model: result.model
        )
        let cold = try evaluator.evaluate(members: featureOnly, artists: artists, train: parts.train, test: parts.coldTest)
        // Popularity baseline: every member scores an artist by its training count.
        var counts = [Float](repeating: 0, count: view.artistIDs.count)
        for column in parts.train.columns { counts[Int(column)] += 1 }
        let ones = try DenseMatrix(rows: view.memberIDs.count, columns: 1, storage: [Float](repeating: 1, count: view.memberIDs.count))
        let popularity = try DenseMatrix(rows: counts.count, columns: 1, storage: counts)
        let warmPopular = try evaluator.evaluate(members: ones, artists: popularity, train: parts.train, test: parts.warmTest)
        let coldPopular = try evaluator.evaluate(members: ones, artists: popularity, train: parts.train, test: parts.coldTest)
        struct Report: Encodable {
            let warm: RankingMetrics
            let warmPopularity: RankingMetrics
            let cold: RankingMetrics
            let coldPopularity: RankingMetrics
            let trainInteractions: Int
            let heldOutInteractions: Int
            let coldMembers: Int
        }
        let report = Report(
            warm: warm,
            warmPopularity: warmPopular,
            cold: cold,
            coldPopularity: coldPopular,
            trainInteractions: parts.train.entryCount,
            heldOutInteractions: parts.warmTest.entryCount,
            coldMembers: parts.coldMembers.count
        )
        try context.report(report) {
            func line(_ label: String, _ metrics: RankingMetrics) -> String {
                String(
                    format: "%@ members %d  NDCG@%d %.4f  Recall %.4f  Precision %.4f  HR %.4f  MAP %.4f  AUC %.4f",
                    label,
                    metrics.members,
                    k,
                    metrics.ndcg,
                    metrics.recall,
                    metrics.precision,
                    metrics.hitRate,
                    metrics.map,
                    metrics.auc
                )
            }
            return [
                line("warm model     ", warm), line("warm popularity", warmPopular), line("cold model     ", cold),
                line("cold popularity", coldPopular),
            ].joined(separator: "\n")
        }
        return 0
    }
}
