internal import BacklineCore

/// Per-member holdout evaluation: for every member with held-out items, rank all candidate
/// artists with the member's train artists removed, and average ``RankingMetrics``.
public struct RankingEvaluator: Sendable {
    /// The cut-off K.
    public let k: Int
    /// Whether to compute AUC (a sort per member).
    public let includeAUC: Bool
    /// Worker threads.
    public let threads: Int

    /// An evaluator; throws `invalidArgument` unless K > 0.
    public init(k: Int, includeAUC: Bool = true, threads: Int = 1) throws {
        guard k > 0 else { throw ModelError.invalidArgument("K must be > 0, got \(k)") }
        self.k = k
        self.includeAUC = includeAUC
        self.threads = max(1, threads)
    }

    /// Evaluates member representations against artist representations.
    /// - Parameters:
    ///   - members: member representations, one row per row of `train`.
    ///   - artists: artist representations, one row per column of `train`.
    ///   - train: interactions to exclude from ranking (members × artists).
    ///   - test: held-out interactions (same shape).
    ///   - candidates: if given, only these artists are ranked and relevant (cold-start evaluation).
    public func evaluate(
        members: DenseMatrix,
        artists: DenseMatrix,
        train: SparseMatrix,
        test: SparseMatrix,
        candidates: Set<Int>? = nil
    ) throws -> RankingMetrics {
        guard train.rowCount == test.rowCount, train.columnCount == test.columnCount,
            members.rows == train.rowCount, artists.rows == train.columnCount, members.columns == artists.columns
        else {
            throw ModelError.invalidShape(
                "evaluation shapes differ: train \(train.rowCount)x\(train.columnCount), test \(test.rowCount)x\(test.columnCount), members \(members.rows), artists \(artists.rows)"
            )
        }
        let candidateMask = candidates.map { set in (0..<artists.rows).map { set.contains($0) } }
        var perMember = [RankingMetrics?](repeating: nil, count: train.rowCount)
        perMember.withUnsafeMutableBufferPointer { out in
            let target = SharedMutablePointer(base: out.baseAddress!)
            ParallelLoop.run(count: train.rowCount, threads: threads) { _, range in
                for member in range {
                    var relevant = Set(test.columns(ofRow: member).map(Int.init))
                    if let candidateMask { relevant = relevant.filter { candidateMask[$0] } }
                    guard !relevant.isEmpty else { continue }
                    var scores = Recommender.scores(artists, members.row(member))
                    for column in train.columns(ofRow: member) { scores[Int(column)] = -.infinity }
                    if let candidateMask { for index in scores.indices where !candidateMask[index] { scores[index] = -.infinity } }
                    let ranked = scores.withUnsafeBufferPointer { TopK.select($0, k: k) }
                    var aucValue = 0.5
                    if includeAUC {
                        let pool = scores.indices.filter { scores[$0] > -.infinity }
                        aucValue = RankingMetrics.auc(scores: scores, candidates: pool, relevant: relevant)
                    }
                    target.base[member] = RankingMetrics.single(ranked: ranked, relevant: relevant, k: k, aucValue: aucValue)
                }
            }
        }
        return RankingMetrics.mean(perMember.compactMap { $0 }, k: k)
    }
}
