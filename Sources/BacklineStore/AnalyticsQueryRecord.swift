import BacklineCore
public import Foundation

/// A federated analytics query as stored: the store keeps its definition and result as opaque JSON
/// text (the aggregator gives them meaning) and enforces the state machine and the deadline.
public struct AnalyticsQueryRecord: Sendable, Hashable {
    /// The query id (positive), assigned by ``AnalyticsTransaction/createAnalyticsQuery(_:)``.
    public var id: Int64
    /// Its state.
    public var state: AnalyticsQueryState
    /// Definition and privacy demands as JSON text.
    public var parametersJSON: String
    /// Fewer contributors than this (at least 3) publish nothing.
    public var minContributors: Int64
    /// After this time no histogram is accepted (millisecond precision).
    public var deadline: Date
    /// The published result as JSON text, once published.
    public var resultJSON: String?
    /// Why nothing was published, once failed.
    public var failureReason: String?
    /// When the query was opened.
    public var createdAt: Date
    /// When its state last changed.
    public var updatedAt: Date

    /// Creates a record (state open, no result); its id is assigned when stored.
    public init(
        id: Int64 = 0,
        state: AnalyticsQueryState = .open,
        parametersJSON: String,
        minContributors: Int64,
        deadline: Date,
        resultJSON: String? = nil,
        failureReason: String? = nil,
        createdAt: Date,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.state = state
        self.parametersJSON = parametersJSON
        self.minContributors = minContributors
        self.deadline = deadline
        self.resultJSON = resultJSON
        self.failureReason = failureReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}
