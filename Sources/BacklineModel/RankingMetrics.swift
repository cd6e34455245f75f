/// Top-K ranking quality averaged over evaluated members, with the definitions of
/// `shared/bench/peers_lastfm.py`: binary relevance; DCG = Σ 1/log2(rank + 2) from rank 0,
/// IDCG over min(K, |test|) hits; Recall = hits/|test|; Precision = hits/K; HR = [hits > 0];
/// MAP@K = Σ_{rank<K} rel·precision@(rank+1) / min(K, |test|); AUC over all candidates not in train.
public struct RankingMetrics: Sendable, Equatable, Codable {
    /// The cut-off K.
    public var k: Int
    /// Members evaluated (those with at least one relevant held-out item).
    public var members: Int
    /// Mean NDCG@K.
    public var ndcg: Double
    /// Mean Recall@K.
    public var recall: Double
    /// Mean Precision@K.
    public var precision: Double
    /// Mean hit rate @K.
    public var hitRate: Double
    /// Mean average precision @K.
    public var map: Double
    /// Mean per-member AUC.
    public var auc: Double

    /// Metrics of a single ranked list: `ranked` (best first, at most K items) against `relevant`;
    /// `aucValue` is the member's AUC (computed separately).
    public static func single(ranked: [Int], relevant: Set<Int>, k: Int, aucValue: Double) -> RankingMetrics {
        var dcg = 0.0
        var hits = 0
        var averagePrecision = 0.0
        for (rank, item) in ranked.prefix(k).enumerated() where relevant.contains(item) {
            hits += 1
            dcg += 1 / log2(Double(rank + 2))
            averagePrecision += Double(hits) / Double(rank + 1)
        }
        let ideal = (0..<min(k, relevant.count)).reduce(0.0) { $0 + 1 / log2(Double($1 + 2)) }
        let denominator = Double(min(k, relevant.count))
        return RankingMetrics(
            k: k,
            members: 1,
            ndcg: ideal > 0 ? dcg / ideal : 0,
            recall: relevant.isEmpty ? 0 : Double(hits) / Double(relevant.count),
            precision: Double(hits) / Double(k),
            hitRate: hits > 0 ? 1 : 0,
            map: denominator > 0 ? averagePrecision / denominator : 0,
            auc: aucValue
        )
    }

    /// The mean of per-member metrics.
    public static func mean(_ parts: [RankingMetrics], k: Int) -> RankingMetrics {
        let n = Double(max(parts.count, 1))
        func average(_ key: KeyPath<RankingMetrics, Double>) -> Double { parts.reduce(0) { $0 + $1[keyPath: key] } / n }
        return RankingMetrics(
            k: k,
            members: parts.count,
            ndcg: average(\.ndcg),
            recall: average(\.recall),
            precision: average(\.precision),
            hitRate: average(\.hitRate),
            map: average(\.map),
            auc: average(\.auc)
        )
    }

    /// AUC of `scores` over `candidates`: the probability that a relevant candidate outscores an
    /// irrelevant one (ties count one half). Returns 0.5 without positives or negatives.
    public static func auc(scores: [Float], candidates: [Int], relevant: Set<Int>) -> Double {
        let order = candidates.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var rankSum = 0.0
        var positives = 0
        var position = 0
        while position < order.count {
            var end = position
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[position]] { end += 1 }
            let averageRank = Double(position + end) / 2 + 1
            for index in position...end where relevant.contains(order[index]) {
                rankSum += averageRank
                positives += 1
            }
            position = end + 1
        }
        let negatives = order.count - positives
        guard positives > 0, negatives > 0 else { return 0.5 }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }
}

#if canImport(Glibc)
import Glibc
#endif
