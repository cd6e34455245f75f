public import BacklineAnalytics

extension AnalyticsClient {
    /// What ``AnalyticsClient/submit(queryID:engine:ledger:persistence:noise:journal:)`` did.
    public struct Submission: Sendable, Hashable {
        /// How the answer came about.
        public enum Origin: String, Sendable, Hashable {
            /// Charged, noised and sent now.
            case fresh
            /// Prepared (and charged) by an earlier run that saw no receipt; the same bytes sent again.
            case resent
            /// Already acknowledged by the aggregator; nothing charged or sent.
            case recorded
        }

        /// The aggregator's receipt.
        public let receipt: Receipt
        /// The histogram the receipt is for.
        public let histogram: NoisedHistogram
        /// How the answer came about.
        public let origin: Origin
    }
}
