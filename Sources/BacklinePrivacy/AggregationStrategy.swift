/// A federated aggregation strategy, after Flower's `Strategy`: it configures each round and turns
/// the round's validated updates into the next global model. Pure: no I/O, state passed in and out.
///
/// ``aggregate(round:global:updates:state:)`` is CPU-bound and spreads coordinates over threads with
/// Dispatch's `concurrentPerform`; call it from a `BlockingExecutor` thread, not a cooperative task.
public protocol AggregationStrategy: Sendable {
    /// A short name for logs and metrics.
    var name: String { get }
    /// What nodes are told for `round` (Flower's `configure_fit`).
    func configureRound(_ round: UInt64) -> RoundConfiguration
    /// The next global model from `global` and the round's validated updates (Flower's `aggregate_fit`).
    func aggregate(
        round: UInt64,
        global: [Float],
        updates: [ValidatedUpdate],
        state: ServerOptimizerState
    )
        -> AggregationOutcome
}
