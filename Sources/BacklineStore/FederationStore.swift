import BacklineCore
public import Foundation

/// The aggregator's persistence: rounds, updates, model versions, the privacy ledger as the
/// aggregator sees it, the audit log and its checkpoints, identities and revocations.
///
/// Methods are synchronous and may block: call them on a `BlockingExecutor`. Each convenience
/// method below is one transaction; group several with ``withTransaction(_:)``.
public protocol FederationStore: AnyObject, Sendable {
    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws. The
    /// body may be run again after a transient failure (busy, lost connection before COMMIT), so
    /// it must only touch the database through the transaction it is given.
    func withTransaction<T>(_ body: (any FederationTransaction) throws -> T) throws -> T
    /// Stores the update durably and returns its receipt only after COMMIT (idempotent for
    /// identical bytes); a default runs it as one transaction.
    func submitUpdate(_ submission: UpdateSubmission) throws -> UpdateReceipt
    /// Empties the payloads of a published or failed round; a default runs it as one transaction.
    @discardableResult
    func discardPayloads(inRound round: Int64, at time: Date) throws -> Int
}

extension FederationStore {
    /// Stores the update durably and returns its receipt only after COMMIT. Idempotent: a retry
    /// with identical bytes returns the same receipt, so a commit whose outcome was unknown
    /// (connection lost during COMMIT) is retried.
    public func submitUpdate(_ submission: UpdateSubmission) throws -> UpdateReceipt {
        try retryingUnknownOutcome { try withTransaction { try $0.submitUpdate(submission) } }
    }

    /// Closes round `id` for aggregation; true for exactly one caller across every connection
    /// and process sharing the database.
    public func claimRoundForAggregation(_ id: Int64, at time: Date = Date()) throws -> Bool {
        let token = UUID().uuidString
        return try retryingUnknownOutcome {
            try withTransaction { try $0.claimRoundForAggregation(id, claimToken: token, at: time) }
        }
    }

    /// Inserts a new round.
    public func createRound(_ round: RoundRecord) throws { try withTransaction { try $0.createRound(round) } }
    /// The round with `id`, if any.
    public func round(_ id: Int64) throws -> RoundRecord? { try withTransaction { try $0.round(id) } }
    /// Moves round `id` to `state`.
    public func transitionRound(_ id: Int64, to state: RoundState, at time: Date = Date()) throws -> RoundRecord {
        try withTransaction { try $0.transitionRound(id, to: state, at: time) }
    }
    /// The updates of `round`.
    public func updates(inRound round: Int64) throws -> [UpdateRecord] {
        try withTransaction { try $0.updates(inRound: round) }
    }
    /// How many updates `round` holds (payloads not read).
    public func updateCount(inRound round: Int64) throws -> Int {
        try withTransaction { try $0.updateCount(inRound: round) }
    }
    /// Empties the payloads of a published or failed round; see ``FederationTransaction/discardPayloads(inRound:at:)``.
    @discardableResult
    public func discardPayloads(inRound round: Int64, at time: Date) throws -> Int {
        try withTransaction { try $0.discardPayloads(inRound: round, at: time) }
    }
    /// ``discardPayloads(inRound:at:)`` now.
    @discardableResult
    public func discardPayloads(inRound round: Int64) throws -> Int {
        try discardPayloads(inRound: round, at: Date())
    }
    /// Appends audit entries in one transaction.
    public func appendAuditEntries(_ entries: [AuditEntryRecord]) throws {
        try withTransaction { try $0.appendAuditEntries(entries) }
    }
    /// Audit entries passing `filter`.
    public func auditEntries(_ filter: AuditFilter = AuditFilter()) throws -> [AuditEntryRecord] {
        try withTransaction { try $0.auditEntries(filter) }
    }

    /// Runs `body` again (at most 3 more times) while its COMMIT outcome is unknown; the bodies
    /// given are idempotent.
    func retryingUnknownOutcome<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as StoreError where error.code == .commitOutcomeUnknown && attempt < 3 {
                attempt += 1
            }
        }
    }
}
