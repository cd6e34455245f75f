import BacklineCore

/// Proof that an update was stored durably: returned only after the transaction committed.
public struct UpdateReceipt: Sendable, Hashable, Codable {
    /// A unique id for this (round, promoter) update.
    public var receiptID: String
    /// The round.
    public var round: Int64
    /// The promoter.
    public var promoterID: String
    /// SHA-256 of the stored payload.
    public var digest: [UInt8]

    /// Creates a receipt.
    public init(receiptID: String, round: Int64, promoterID: String, digest: [UInt8]) {
        self.receiptID = receiptID
        self.round = round
        self.promoterID = promoterID
        self.digest = digest
    }
}
