/// The exact (non-private) answer to a query, for the promoter's own eyes only: it must never
/// leave the node.
///
/// Two means per cell: over events (every ticket or visit counts once) and over members (each
/// member's mean counts once: the quantity the DP histogram estimates, see ``AnalyticsQuery``).
/// Neither is clamped; ``memberClampedMean`` is what the DP release targets when no member has more
/// than L cells.
public struct ExactHistogram: Sendable, Hashable, Codable {
    /// One cell.
    public struct Cell: Sendable, Hashable, Codable {
        /// The cell label.
        public let label: String
        /// Members with at least one event in the cell.
        public var members: Int
        /// Events in the cell.
        public var events: Int
        /// Sum of the events' values.
        public var sum: Double
        /// Sum over members of each member's mean in the cell.
        public var memberMeanSum: Double
        /// Sum over members of each member's mean of clamped values in the cell.
        public var memberClampedMeanSum: Double

        /// The mean over events, or nil for an empty cell.
        public var eventMean: Double? { events > 0 ? sum / Double(events) : nil }
        /// The mean over members of their means, or nil for an empty cell.
        public var memberMean: Double? { members > 0 ? memberMeanSum / Double(members) : nil }
        /// As ``memberMean`` with values clamped first.
        public var memberClampedMean: Double? { members > 0 ? memberClampedMeanSum / Double(members) : nil }

        private enum CodingKeys: String, CodingKey {
            case label, members, events, sum
            case memberMeanSum = "member_mean_sum"
            case memberClampedMeanSum = "member_clamped_mean_sum"
        }
    }

    /// The query answered.
    public let query: AnalyticsQuery
    /// The cells, in the segment's order.
    public var cells: [Cell]

    /// The cell labelled `label`.
    public subscript(label: String) -> Cell? { cells.first { $0.label == label } }
}
