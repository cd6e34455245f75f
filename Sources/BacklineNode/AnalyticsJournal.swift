/// Where a node makes its answers to federated analytics queries durable, so that answering a query
/// again (after a crash or a lost answer) neither charges the ledger twice nor draws fresh noise:
/// the analytics counterpart of ``NodeJournal``, keyed by query id. One journal serves one
/// aggregator (query ids are that aggregator's numbering).
///
/// ``AnalyticsClient/submit(queryID:engine:ledger:persistence:noise:journal:)`` calls
/// ``recordPrepared(queryID:body:)`` after the ledger is charged and persisted and before the body
/// leaves the process, and ``recordReceipt(_:)`` once the aggregator has stored it.
public protocol AnalyticsJournal: Sendable {
    /// The body prepared (and charged) for query `id`, acknowledged or not.
    func preparedBody(queryID id: Int64) throws -> [UInt8]?
    /// The receipt recorded for query `id`, if the aggregator acknowledged the body.
    func receipt(queryID id: Int64) throws -> AnalyticsClient.Receipt?
    /// Makes the encoded histogram envelope `body` for query `id` durable.
    func recordPrepared(queryID id: Int64, body: [UInt8]) throws
    /// Records the aggregator's receipt for the prepared body of `receipt.queryID`.
    func recordReceipt(_ receipt: AnalyticsClient.Receipt) throws
}
