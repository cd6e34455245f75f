import BacklineCore
import Foundation

/// A ``FederationStore`` in process memory, for fast tests and simulations: same rules as the
/// SQL backends (validation, idempotent submit, one claim per round), nothing durable.
/// Transactions run one at a time, changing the state in place and undoing on a throw.
public final class InMemoryFederationStore: FederationStore, @unchecked Sendable {
    // @unchecked: `state` is only read or written while `lock` is held.
    private let lock = NSLock()
    private var state = InMemoryState()

    /// An empty store.
    public init() {}

    /// Runs `body` in one transaction; see ``FederationStore/withTransaction(_:)``.
    public func withTransaction<T>(_ body: (any FederationTransaction) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let transaction = InMemoryTransaction(state: state)
        state = InMemoryState()  // the transaction holds the only reference: no copy-on-write
        do {
            let result = try body(transaction)
            state = transaction.takeState()
            return result
        } catch {
            transaction.rollback()
            state = transaction.takeState()
            throw error
        }
    }
}
