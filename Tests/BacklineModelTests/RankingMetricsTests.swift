import BacklineCore
import BacklineModel
import Testing

@Suite struct RankingMetricsTests {
    @Test func singleListMatchesHandComputedValues() {
        let metrics = RankingMetrics.single(ranked: [3, 1, 7, 2], relevant: [1, 2, 9], k: 4, aucValue: 0.5)
        let dcg = 1 / log2(3.0) + 1 / log2(5.0)
        let idcg = 1 + 1 / log2(3.0) + 1 / log2(4.0)
        #expect(abs(metrics.ndcg - dcg / idcg) < 1e-12)
        #expect(abs(metrics.ndcg - 0.498189) < 1e-5)
        #expect(abs(metrics.recall - 2.0 / 3) < 1e-12)
        #expect(metrics.precision == 0.5)
        #expect(metrics.hitRate == 1)
        #expect(abs(metrics.map - (1.0 / 2 + 2.0 / 4) / 3) < 1e-12)
    }

    @Test func missesGiveZeros() {
        let metrics = RankingMetrics.single(ranked: [0, 1], relevant: [5], k: 2, aucValue: 0.5)
        #expect(metrics.ndcg == 0 && metrics.recall == 0 && metrics.hitRate == 0 && metrics.map == 0)
    }

    @Test func perfectListScoresOne() {
        let metrics = RankingMetrics.single(ranked: [4, 2, 8], relevant: [2, 4], k: 3, aucValue: 1)
        #expect(abs(metrics.ndcg - 1) < 1e-12 && metrics.recall == 1 && abs(metrics.map - 1) < 1e-12)
        #expect(abs(metrics.precision - 2.0 / 3) < 1e-12)
    }

    @Test func aucCountsOrderedPairsAndHalfTies() {
        let scores: [Float] = [0.1, 0.4, 0.35, 0.8]
        #expect(RankingMetrics.auc(scores: scores, candidates: [0, 1, 2, 3], relevant: [1, 3]) == 1)
        #expect(RankingMetrics.auc(scores: scores, candidates: [0, 1, 2, 3], relevant: [0, 2]) == 0)
        #expect(RankingMetrics.auc(scores: scores, candidates: [0, 1, 2, 3], relevant: [2]) == 1.0 / 3)
        #expect(RankingMetrics.auc(scores: [0.5, 0.5], candidates: [0, 1], relevant: [0]) == 0.5)
    }

    @Test func evaluatorExcludesTrainItemsAndAverages() throws {
        let artists = try DenseMatrix(rows: 4, columns: 1, storage: [4, 3, 2, 1])
        let members = try DenseMatrix(rows: 2, columns: 1, storage: [1, -1])
        let train = try SparseMatrix(rowCount: 2, columnCount: 4, triples: [(0, 0, 1), (1, 3, 1)])
        let test = try SparseMatrix(rowCount: 2, columnCount: 4, triples: [(0, 2, 1), (1, 2, 1)])
        let metrics = try RankingEvaluator(k: 2).evaluate(members: members, artists: artists, train: train, test: test)
        // Member 0 ranks [1, 2]: hit at rank 1. Member 1 (scores negated) ranks [2, 1]: hit at rank 0.
        #expect(metrics.members == 2)
        #expect(abs(metrics.ndcg - (1 / log2(3.0) + 1) / 2) < 1e-9)
        #expect(metrics.recall == 1 && metrics.precision == 0.5)
        // AUC: member 0 candidates {1,2,3}: positive 2 beats 3 only -> 1/2; member 1 candidates {0,1,2}: 2 beats both -> 1.
        #expect(abs(metrics.auc - 0.75) < 1e-12)
        let cold = try RankingEvaluator(k: 1).evaluate(members: members, artists: artists, train: train, test: test, candidates: [2, 3])
        #expect(cold.ndcg == 1)
    }

    @Test func evaluatorRefusesBadArguments() throws {
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try RankingEvaluator(k: 0) }
        let artists = DenseMatrix(rows: 4, columns: 1)
        let members = DenseMatrix(rows: 3, columns: 1)
        let train = SparseMatrix.empty(rowCount: 2, columnCount: 4)
        #expect(throws: ModelError(code: .invalidShape, reason: "")) {
            try RankingEvaluator(k: 1).evaluate(members: members, artists: artists, train: train, test: train)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
