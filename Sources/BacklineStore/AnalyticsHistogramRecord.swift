import BacklineCore
public import Foundation

/// A noised histogram a promoter submitted to a federated analytics query, as stored. Its payload
/// is emptied once the query is over (only the sum is kept); digest and receipt stay.
public struct AnalyticsHistogramRecord: Sendable, Hashable {
    /// The query.
    public var queryID: Int64
    /// The submitting promoter.
    public var promoterID: String
    /// The histogram bytes (empty once discarded).
    public var payload: [UInt8]
    /// SHA-256 of the payload (32 bytes).
    public var digest: [UInt8]
    /// The receipt handed back at submission.
    public var receiptID: String
    /// When it was received.
    public var receivedAt: Date

    /// Creates a record.
    public init(queryID: Int64, promoterID: String, payload: [UInt8], digest: [UInt8], receiptID: String, receivedAt: Date) {
        self.queryID = queryID
        self.promoterID = promoterID
        self.payload = payload
        self.digest = digest
        self.receiptID = receiptID
        self.receivedAt = receivedAt
    }
}
