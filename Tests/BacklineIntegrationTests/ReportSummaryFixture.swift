import Foundation

/// A federation summary file as the demo writes it, and the chart marks its report must have.
struct ReportSummaryFixture {
    let promoters: Int
    let rounds: Int

    var json: [String: Any] {
        let names = (0..<promoters).map { "promoter-\($0)" }
        return [
            "title": "Backline demo <b>federation</b>", "federation": "fed.example", "generated_at": "2026-12-03T16:00:00Z",
            "rounds": (1...rounds).map { round in
                [
                    "round": round, "contributions": promoters, "validation_ndcg_at_10": 0.15 + Double(round) / 50,
                    "epsilon_spent": Dictionary(uniqueKeysWithValues: names.map { ($0, Double(round) * 0.15) }),
                ] as [String: Any]
            },
            "quality": names.map { ["promoter": $0, "alone": 0.12, "federated": 0.2, "pooled": 0.24] as [String: Any] },
            "budgets": names.map {
                ["promoter": $0, "epsilon_spent": Double(rounds) * 0.15, "epsilon_budget": 1.0, "delta": 1e-6] as [String: Any]
            },
            "audit": ["verified": true, "entries": 17, "tree_size": 17, "root_hash": "3q2+7w==", "denials": 1, "message": "log verified"]
                as [String: Any],
            "match_example": NSNull(),
            "behaviour": [
                ["measure": "no_show_rate", "segment": "age_band=25-34", "local": 0.11, "federation": 0.09, "suppressed": false]
            ],
        ]
    }

    /// Marks: NDCG points per round, ε points per promoter and round, a budget bar and three quality
    /// bars per promoter, and two behaviour bars.
    var expectedMarks: Int { rounds + promoters * rounds + promoters + 3 * promoters + 2 }

    /// Writes the summary to `path`.
    func write(to path: String) throws {
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    }
}
