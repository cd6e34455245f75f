import BacklineCore
public import Foundation

/// A noised histogram as a promoter submits it, before the store acknowledges it.
public struct AnalyticsHistogramSubmission: Sendable, Hashable {
    /// The query it answers.
    public var queryID: Int64
    /// The submitting promoter.
    public var promoterID: String
    /// The serialised histogram.
    public var payload: [UInt8]
    /// SHA-256 of `payload`, computed by the caller (32 bytes).
    public var digest: [UInt8]
    /// When the aggregator received it.
    public var receivedAt: Date

    /// Creates a submission.
    public init(queryID: Int64, promoterID: String, payload: [UInt8], digest: [UInt8], receivedAt: Date) {
        self.queryID = queryID
        self.promoterID = promoterID
        self.payload = payload
        self.digest = digest
        self.receivedAt = receivedAt
    }

    /// The rule every backend applies, given the query and the promoter's stored histogram:
    /// identical digest → the existing record (idempotent, even after the query closed); different
    /// bytes → conflict; query not open or past its deadline → round_closed; otherwise nil: insert.
    func admission(into query: AnalyticsQueryRecord, existing: AnalyticsHistogramRecord?) throws -> AnalyticsHistogramRecord? {
        if let existing {
            guard existing.digest == digest else {
                throw StoreError.conflict("histogram", key: "query \(queryID), promoter \(promoterID.prefix(64))")
            }
            return existing
        }
        guard query.state.acceptsHistograms, receivedAt <= query.deadline else {
            throw StoreError(
                code: .roundClosed,
                reason: "analytics query \(query.id) is \(query.state.rawValue) or past its deadline"
            )
        }
        return nil
    }

    /// Checks sizes, digest and time before anything is written.
    func validate() throws {
        try StoreValidation.positive("histogram.queryID", queryID)
        try StoreValidation.identifier("histogram.promoterID", promoterID)
        guard !payload.isEmpty, payload.count <= StoreValidation.maxJSONBytes * 16 else {
            throw StoreError.invalidInput("histogram.payload", "\(payload.count) bytes outside 1...\(StoreValidation.maxJSONBytes * 16)")
        }
        try StoreValidation.digest("histogram.digest", digest)
        try StoreValidation.time("histogram.receivedAt", receivedAt)
    }
}
