/// What one ``RoundClient/participate()`` did.
public enum RoundOutcome: Sendable, Equatable {
    /// The update was stored by the aggregator; its receipt.
    case submitted(SubmissionReceipt)
    /// This client already submitted to the announced round; the receipt it got then.
    case alreadySubmitted(SubmissionReceipt)
    /// No round takes updates now (the newest round's id, if any round exists).
    case notAccepting(round: Int64?)
    /// The privacy ledger refused the round's charge: nothing was computed or sent, and the node
    /// stops contributing.
    case budgetExhausted(round: Int64)
}
