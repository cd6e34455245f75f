internal import BacklineFederation
internal import BacklineModel
import Foundation

/// The result table of `backline simulate`: NDCG@10 per promoter under the federated model, the
/// promoter alone and pooled central training, and ε spent.
struct SimulationReport: Encodable {
    struct Row: Encodable {
        let promoter: String
        let members: Int
        let evaluated: Int
        let federated: Double
        let alone: Double
        let pooled: Double
        let epsilonSpent: Double?
    }
    let rounds: Int
    let epsilon: Double?
    let delta: Double?
    let promoters: [Row]
    /// Member-weighted means over promoters.
    let federated: Double
    let alone: Double
    let pooled: Double

    init(
        promoters data: [PromoterData],
        federated: [RankingMetrics],
        alone: [RankingMetrics],
        pooled: [RankingMetrics],
        epsilonSpent: [Double],
        rounds: Int,
        epsilon: Double?,
        delta: Double?
    ) {
        promoters = data.indices.map { index in
            Row(
                promoter: data[index].name,
                members: data[index].memberCount,
                evaluated: federated[index].members,
                federated: federated[index].ndcg,
                alone: alone[index].ndcg,
                pooled: pooled[index].ndcg,
                epsilonSpent: index < epsilonSpent.count ? epsilonSpent[index] : nil
            )
        }
        func mean(_ metrics: [RankingMetrics]) -> Double {
            let total = metrics.reduce(0) { $0 + $1.members }
            return total == 0 ? 0 : metrics.reduce(0.0) { $0 + $1.ndcg * Double($1.members) } / Double(total)
        }
        self.federated = mean(federated)
        self.alone = mean(alone)
        self.pooled = mean(pooled)
        self.rounds = rounds
        self.epsilon = epsilon
        self.delta = delta
    }

    /// The human-readable table.
    func table() -> String {
        let privacy = epsilon.map { String(format: "DP ε = %g, δ = %g per promoter", $0, delta ?? 0) } ?? "no DP"
        var lines = [
            "\(rounds) rounds, \(privacy); NDCG@10 of each promoter's members on their own test items",
            "promoter\tmembers\tfederated\talone\tpooled\tε spent",
        ]
        for row in promoters {
            lines.append(
                String(
                    format: "%@\t%d\t%.4f\t%.4f\t%.4f\t%@",
                    row.promoter,
                    row.members,
                    row.federated,
                    row.alone,
                    row.pooled,
                    row.epsilonSpent.map { String(format: "%.3f", $0) } ?? "-"
                )
            )
        }
        lines.append(
            String(
                format: "all (member-weighted)\t%d\t%.4f\t%.4f\t%.4f\t",
                promoters.reduce(0) { $0 + $1.members },
                federated,
                alone,
                pooled
            )
        )
        return lines.joined(separator: "\n")
    }
}
