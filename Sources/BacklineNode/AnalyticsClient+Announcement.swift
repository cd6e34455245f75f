public import BacklineAnalytics
internal import Foundation

extension AnalyticsClient {
    /// A federated analytics query as `GET /v1/analytics/queries/{q}` announces it.
    public struct Announcement: Sendable, Hashable, Decodable {
        /// The query id.
        public let queryID: Int64
        /// open, closing, published or failed.
        public let state: String
        /// The query every node answers.
        public let query: AnalyticsQuery
        /// ε of each node's release.
        public let epsilon: Double
        /// δ of each node's release.
        public let delta: Double
        /// The smallest noise multiplier a histogram may carry.
        public let noiseMultiplier: Double
        /// Fewer contributors publish nothing.
        public let minContributors: Int64
        /// Whether histograms are accepted now.
        public let accepting: Bool
        /// How many promoters have answered.
        public let submitted: Int

        enum CodingKeys: String, CodingKey {
            case state, query, epsilon, delta, accepting, submitted
            case queryID = "query_id"
            case noiseMultiplier = "noise_multiplier"
            case minContributors = "min_contributors"
        }
    }
}
