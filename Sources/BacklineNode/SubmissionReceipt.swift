/// The aggregator's receipt for a durably stored update: `{receipt_id, round, node, digest}`.
/// Posting the same bytes again yields the same receipt.
public struct SubmissionReceipt: Sendable, Equatable, Codable {
    /// The receipt id.
    public let receiptID: String
    /// The round the update was stored in.
    public let round: Int64
    /// The node the update was stored for.
    public let node: String
    /// Hex SHA-256 of the stored update bytes.
    public let digest: String

    enum CodingKeys: String, CodingKey {
        case round, node, digest
        case receiptID = "receipt_id"
    }
}
