import BacklineCore

/// Where a federated analytics query is in its life: open → closing → published | failed.
public enum AnalyticsQueryState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Taking histograms until its deadline.
    case open
    /// Claimed by exactly one writer, which is summing it.
    case closing
    /// A result was published (final).
    case published
    /// Closed without a result (too few contributors, no valid histogram) (final).
    case failed

    /// Histograms may be submitted in this state.
    public var acceptsHistograms: Bool { self == .open }

    /// No transition leaves this state.
    public var isFinal: Bool { self == .published || self == .failed }

    /// Parses a stored state name.
    static func parse(_ text: String) throws -> AnalyticsQueryState {
        guard let state = AnalyticsQueryState(rawValue: text) else {
            throw StoreError.invalidInput("analytics_queries.state", "unknown state \"\(text.prefix(32))\"")
        }
        return state
    }
}
