public import BacklinePrivacy

/// DP answers against exact ones, for evaluating the mechanism on synthetic data.
///
/// Its rows hold exact answers, so, like ``AnalyticsEngine/exact(_:)``, it is for the data owner
/// (or for synthetic federations) only, and it charges no ledger.
public enum AccuracyTable {
    /// One cell of one query at one ε.
    public struct Row: Sendable, Hashable, Codable {
        /// The query's name.
        public let query: String
        /// The cell label.
        public let cell: String
        /// ε of the single release, at ``delta``.
        public let epsilon: Double
        /// δ of the release.
        public let delta: Double
        /// Members in the cell (exact).
        public let members: Int
        /// The exact member-level mean (unclamped, unbounded).
        public let exact: Double
        /// The DP mean, nil when the cell was suppressed.
        public let noised: Double?
        /// |noised − exact| / |exact|, nil when suppressed or the exact mean is 0.
        public let relativeError: Double?

        private enum CodingKeys: String, CodingKey {
            case query, cell, epsilon, delta, members, exact, noised
            case relativeError = "relative_error"
        }
    }

    /// One DP release of each query at each ε in `epsilons`, compared with the exact answer, for
    /// every cell with at least `minimumMembers` members.
    /// - Throws: `invalid_parameter` / `unreachable_target` for an unusable ε or δ.
    public static func measure(
        _ engine: AnalyticsEngine,
        queries: [AnalyticsQuery],
        epsilons: [Double],
        delta: Double,
        minimumMembers: Int,
        using source: inout some NoiseRandomSource
    ) throws -> [Row] {
        var rows: [Row] = []
        for query in queries {
            let exact = engine.exact(query)
            for epsilon in epsilons {
                let mechanism = try HistogramMechanism(query: query, epsilon: epsilon, delta: delta)
                let noised = mechanism.noise(engine.boundedSums(query, granularity: mechanism.granularity), using: &source)
                for (index, cell) in exact.cells.enumerated() where cell.members >= minimumMembers {
                    guard let truth = cell.memberMean else { continue }
                    let value = noised.mean(index)
                    let error = value.flatMap { truth == 0 ? nil : abs($0 - truth) / abs(truth) }
                    rows.append(
                        Row(
                            query: query.name,
                            cell: cell.label,
                            epsilon: epsilon,
                            delta: delta,
                            members: cell.members,
                            exact: truth,
                            noised: value,
                            relativeError: error
                        )
                    )
                }
            }
        }
        return rows
    }
}
