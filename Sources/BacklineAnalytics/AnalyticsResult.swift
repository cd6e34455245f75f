import Foundation

/// The published answer of a federated analytics query: the cell-wise sum of the contributors'
/// noised histograms (``HistogramCombiner``), with cells whose noise std exceeds their noised count
/// or sum suppressed (their values withheld, `suppressed: true`). The aggregator publishes it and
/// nodes read it back (`GET /v1/analytics/queries/{q}/result`): one type for both ends of the wire.
public struct AnalyticsResult: Sendable, Hashable, Codable {
    /// One published cell.
    public struct Cell: Sendable, Hashable, Codable {
        /// The cell label.
        public let label: String
        /// The noised member count (nil when suppressed).
        public let count: Double?
        /// The noised sum in the measure's units (nil when suppressed).
        public let sum: Double?
        /// The noised mean (nil when suppressed).
        public let mean: Double?
        /// The approximate std of ``mean`` (nil when suppressed).
        public let meanStandardDeviation: Double?
        /// Whether the noise exceeds the cell's value.
        public let suppressed: Bool

        enum CodingKeys: String, CodingKey {
            case label, count, sum, mean, suppressed
            case meanStandardDeviation = "mean_std"
        }
    }

    /// The query id.
    public let queryID: Int64
    /// The query answered.
    public let query: AnalyticsQuery
    /// The promoters whose histograms were summed, sorted.
    public let contributors: [String]
    /// ε of each node's release.
    public let epsilon: Double
    /// δ of each node's release.
    public let delta: Double
    /// Noise std on each combined count (√ of the sum of the nodes' variances).
    public let noiseStandardDeviation: Double
    /// Noise std on each combined sum, in the measure's units.
    public let sumStandardDeviation: Double
    /// The cells, in the segment's order.
    public let cells: [Cell]

    enum CodingKeys: String, CodingKey {
        case query, contributors, epsilon, delta, cells
        case queryID = "query_id"
        case noiseStandardDeviation = "noise_std"
        case sumStandardDeviation = "sum_std"
    }

    /// The result of `combined` (the sum of `contributors`' histograms, each released with
    /// (`epsilon`, `delta`)) for query `queryID`.
    public init(queryID: Int64, query: AnalyticsQuery, epsilon: Double, delta: Double, contributors: [String], combined: NoisedHistogram) {
        self.queryID = queryID
        self.query = query
        self.contributors = contributors.sorted()
        self.epsilon = epsilon
        self.delta = delta
        noiseStandardDeviation = combined.noiseStandardDeviation
        sumStandardDeviation = combined.sumStandardDeviation
        cells = combined.cells.indices.map { index in
            let suppressed = combined.isSuppressed(index)
            return Cell(
                label: combined.cells[index].label,
                count: suppressed ? nil : combined.cells[index].count,
                sum: suppressed ? nil : combined.sum(index),
                mean: combined.mean(index),
                meanStandardDeviation: suppressed ? nil : combined.meanStandardDeviation(index),
                suppressed: suppressed
            )
        }
    }
}
