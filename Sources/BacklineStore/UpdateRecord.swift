import BacklineCore
public import Foundation

/// A stored update.
public struct UpdateRecord: Sendable, Hashable {
    /// The round.
    public var round: Int64
    /// The submitting promoter.
    public var promoterID: String
    /// The update bytes.
    public var payload: [UInt8]
    /// SHA-256 of the payload (32 bytes).
    public var digest: [UInt8]
    /// L2 norm.
    public var norm: Double
    /// Sample count.
    public var sampleCount: Int64
    /// Status.
    public var status: UpdateStatus
    /// The receipt handed back at submission.
    public var receiptID: String
    /// When it was received.
    public var receivedAt: Date
    /// When its payload was discarded after the round ended (`payload` is then empty), if it was.
    public var payloadDiscardedAt: Date?

    /// Creates a record.
    public init(
        round: Int64,
        promoterID: String,
        payload: [UInt8],
        digest: [UInt8],
        norm: Double,
        sampleCount: Int64,
        status: UpdateStatus,
        receiptID: String,
        receivedAt: Date,
        payloadDiscardedAt: Date? = nil
    ) {
        self.round = round
        self.promoterID = promoterID
        self.payload = payload
        self.digest = digest
        self.norm = norm
        self.sampleCount = sampleCount
        self.status = status
        self.receiptID = receiptID
        self.receivedAt = receivedAt
        self.payloadDiscardedAt = payloadDiscardedAt
    }

    /// The receipt for this update.
    public var receipt: UpdateReceipt { UpdateReceipt(receiptID: receiptID, round: round, promoterID: promoterID, digest: digest) }
}
