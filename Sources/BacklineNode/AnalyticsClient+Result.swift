public import BacklineAnalytics
internal import Foundation

extension AnalyticsClient {
    /// The published sum of a federated analytics query (`GET /v1/analytics/queries/{q}/result`).
    public struct PublishedResult: Sendable, Hashable, Decodable {
        /// One cell; the values are nil when the cell is suppressed (noise exceeds its value).
        public struct Cell: Sendable, Hashable, Decodable {
            /// The cell label.
            public let label: String
            /// Noised member count.
            public let count: Double?
            /// Noised sum in the measure's units.
            public let sum: Double?
            /// Noised mean.
            public let mean: Double?
            /// Approximate std of the mean.
            public let meanStandardDeviation: Double?
            /// Whether the cell is suppressed.
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
        /// The promoters whose histograms were summed.
        public let contributors: [String]
        /// ε of each node's release.
        public let epsilon: Double
        /// δ of each node's release.
        public let delta: Double
        /// Noise std on each count.
        public let noiseStandardDeviation: Double
        /// Noise std on each sum, in the measure's units.
        public let sumStandardDeviation: Double
        /// The cells, in the segment's order.
        public let cells: [Cell]

        enum CodingKeys: String, CodingKey {
            case query, contributors, epsilon, delta, cells
            case queryID = "query_id"
            case noiseStandardDeviation = "noise_std"
            case sumStandardDeviation = "sum_std"
        }
    }
}
