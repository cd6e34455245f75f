import BacklineTestSupport
import Foundation
import Testing

/// `backline simulate` through the built binary: the comparison table and the privacy spend.
@Suite struct SimulateCommandTests {
    private func run(_ extra: [String]) throws -> [String: Any] {
        let result = try BuiltBinary.run(
            [
                "simulate", "--synthetic", "--promoters", "3", "--members", "200", "--artists", "150", "--rounds", "2",
                "--baseline-iterations", "4", "--json",
            ] + extra
        )
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("round"), "a progress line per round goes to stderr")
        return try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
    }

    @Test func privateRunSpendsAtMostItsBudgetPerPromoter() throws {
        let report = try run(["--epsilon", "1", "--delta", "1e-6"])
        let promoters = report["promoters"] as? [[String: Any]] ?? []
        #expect(promoters.count == 3)
        for promoter in promoters {
            let spent = promoter["epsilonSpent"] as? Double ?? .infinity
            #expect(spent > 0.5 && spent <= 1.0, "\(promoter["promoter"] ?? "?") spent \(spent)")
            for key in ["federated", "alone", "pooled"] {
                let ndcg = promoter[key] as? Double ?? -1
                #expect(ndcg >= 0 && ndcg <= 1, "\(key) NDCG@10 out of range: \(ndcg)")
            }
        }
    }

    @Test func nonPrivateRunSpendsNothing() throws {
        let report = try run(["--no-dp"])
        let promoters = report["promoters"] as? [[String: Any]] ?? []
        #expect(promoters.count == 3)
        #expect(promoters.allSatisfy { ($0["epsilonSpent"] as? Double ?? 0) == 0 || $0["epsilonSpent"] == nil })
    }

    @Test func epsilonAndNoDPTogetherAreAUsageError() throws {
        let result = try BuiltBinary.run(["simulate", "--synthetic", "--epsilon", "1", "--no-dp"])
        #expect(result.status == 64)
    }
}
