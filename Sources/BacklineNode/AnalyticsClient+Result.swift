public import BacklineAnalytics

extension AnalyticsClient {
    /// The published sum of a federated analytics query (`GET /v1/analytics/queries/{q}/result`),
    /// the type the aggregator publishes.
    public typealias PublishedResult = AnalyticsResult
}
