public import BacklinePrivacy

/// Where a node makes its round-taking durable, so that a restart neither spends budget twice nor
/// sends different bytes for a round it already answered. A ``RoundClient`` calls it in order:
/// ``recordPrepared(round:update:ledger:)`` after the ledger is charged and before the update
/// leaves the process, ``recordReceipt(_:)`` once the aggregator has stored it.
public protocol NodeJournal: Sendable {
    /// The receipt recorded for `round`, if any.
    func receipt(round: Int64) throws -> SubmissionReceipt?
    /// The update prepared for `round` and not yet acknowledged (sent again as it is after a restart).
    func preparedUpdate(round: Int64) throws -> [UInt8]?
    /// Makes the charged `ledger` and the encoded `update` for `round` durable.
    func recordPrepared(round: Int64, update: [UInt8], ledger: PrivacyLedger?) throws
    /// Records the aggregator's receipt (the prepared update is no longer needed).
    func recordReceipt(_ receipt: SubmissionReceipt) throws
}
