import BacklineCore
import Foundation

/// ``FederationTransaction`` over the in-memory state, changed in place (no copy per
/// transaction) with an undo log that ``rollback()`` replays backwards.
final class InMemoryTransaction: FederationTransaction {
    private(set) var state: InMemoryState
    private var undo: [(inout InMemoryState) -> Void] = []

    /// Takes over `state`; give it back with ``takeState()``.
    init(state: InMemoryState) { self.state = state }

    /// The state, handed back (the transaction keeps no reference, so the next one mutates in place).
    func takeState() -> InMemoryState {
        undo.removeAll()
        let taken = state
        state = InMemoryState()
        return taken
    }

    /// Undoes every change of this transaction.
    func rollback() {
        for step in undo.reversed() { step(&state) }
        undo.removeAll()
    }

    /// `state[table][key] = value`, remembering the previous value.
    func set<Key: Hashable, Value>(_ table: WritableKeyPath<InMemoryState, [Key: Value]>, _ key: Key, _ value: Value) {
        let previous = state[keyPath: table][key]
        undo.append { $0[keyPath: table][key] = previous }
        state[keyPath: table][key] = value
    }

    /// Appends `elements` to `state[list]`, remembering how many.
    private func append<Element>(_ list: WritableKeyPath<InMemoryState, [Element]>, _ elements: [Element]) {
        let count = elements.count
        undo.append { $0[keyPath: list].removeLast(count) }
        state[keyPath: list] += elements
    }

    private func existingRound(_ id: Int64) throws -> RoundRecord {
        guard let round = state.rounds[id] else { throw StoreError.notFound("round", key: "\(id)") }
        return round
    }

    func createRound(_ round: RoundRecord) throws {
        try StoreValidation.check(round)
        guard state.rounds[round.id] == nil else { throw StoreError.conflict("round", key: "\(round.id)") }
        var stored = round
        stored.deadline = round.deadline.atStoredPrecision
        stored.createdAt = round.createdAt.atStoredPrecision
        stored.updatedAt = round.updatedAt.atStoredPrecision
        set(\.rounds, round.id, stored)
    }

    func round(_ id: Int64) throws -> RoundRecord? { state.rounds[id] }

    func rounds(in states: Set<RoundState>?) throws -> [RoundRecord] {
        state.rounds.values.filter { states?.contains($0.state) ?? true }.sorted { $0.id < $1.id }
    }

    func transitionRound(_ id: Int64, to next: RoundState, at time: Date) throws -> RoundRecord {
        try StoreValidation.time("transition.time", time)
        var round = try existingRound(id)
        guard round.state.canTransition(to: next) else {
            throw StoreError.invalidTransition(id, from: round.state.rawValue, to: next.rawValue)
        }
        round.state = next
        round.updatedAt = time.atStoredPrecision
        set(\.rounds, id, round)
        return round
    }

    func claimRoundForAggregation(_ id: Int64, claimToken: String, at time: Date) throws -> Bool {
        try StoreValidation.identifier("claimToken", claimToken)
        var round = try existingRound(id)
        guard round.state.acceptsUpdates else {
            return round.state == .aggregating && state.claims[id] == claimToken
        }
        round.state = .aggregating
        round.updatedAt = time.atStoredPrecision
        set(\.rounds, id, round)
        set(\.claims, id, claimToken)
        return true
    }

    func submitUpdate(_ submission: UpdateSubmission) throws -> UpdateReceipt {
        try StoreValidation.check(submission)
        var round = try existingRound(submission.round)
        let key = InMemoryState.UpdateKey(round: submission.round, promoterID: submission.promoterID)
        if let receipt = try submission.admission(into: round, existing: state.updates[key]) { return receipt }
        let record = UpdateRecord(
            round: submission.round,
            promoterID: submission.promoterID,
            payload: submission.payload,
            digest: submission.digest,
            norm: submission.norm,
            sampleCount: submission.sampleCount,
            status: .accepted,
            receiptID: UUID().uuidString.lowercased(),
            receivedAt: submission.receivedAt.atStoredPrecision
        )
        set(\.updates, key, record)
        if round.state == .open {
            round.state = .collecting
            round.updatedAt = submission.receivedAt.atStoredPrecision
            set(\.rounds, round.id, round)
        }
        return record.receipt
    }

    func updates(inRound round: Int64) throws -> [UpdateRecord] {
        state.updates.values.filter { $0.round == round }.sorted { $0.promoterID < $1.promoterID }
    }

    func updatesWithoutPayloads(inRound round: Int64) throws -> [UpdateRecord] {
        try updates(inRound: round).map { update in
            var summary = update
            summary.payload = []
            return summary
        }
    }

    func update(inRound round: Int64, promoterID: String) throws -> UpdateRecord? {
        state.updates[InMemoryState.UpdateKey(round: round, promoterID: promoterID)]
    }

    func updateCount(inRound round: Int64) throws -> Int {
        state.updates.keys.count { $0.round == round }
    }

    func discardPayloads(inRound round: Int64, at time: Date) throws -> Int {
        try StoreValidation.time("discard.time", time)
        try existingRound(round).state.requireFinal(forDiscardingIn: round)
        var discarded = 0
        for (key, update) in state.updates where key.round == round && update.payloadDiscardedAt == nil {
            var emptied = update
            emptied.payload = []
            emptied.payloadDiscardedAt = time.atStoredPrecision
            set(\.updates, key, emptied)
            discarded += 1
        }
        return discarded
    }

    func setUpdateStatus(round: Int64, promoterID: String, to status: UpdateStatus) throws {
        let key = InMemoryState.UpdateKey(round: round, promoterID: promoterID)
        guard var update = state.updates[key] else {
            throw StoreError.notFound("update", key: "round \(round), promoter \(promoterID)")
        }
        update.status = status
        set(\.updates, key, update)
    }

    func insertModelVersion(_ model: ModelVersionRecord) throws {
        try StoreValidation.check(model)
        if let latest = try latestModelVersion(), latest.version >= model.version {
            throw StoreError.conflict("model version", key: "\(model.version) (latest is \(latest.version))")
        }
        if let round = model.round, state.rounds[round] == nil {
            throw StoreError.invalidInput("model.round", "round \(round) does not exist")
        }
        var stored = model
        stored.createdAt = model.createdAt.atStoredPrecision
        set(\.models, model.version, stored)
    }

    func modelVersion(_ version: Int64) throws -> ModelVersionRecord? { state.models[version] }

    func latestModelVersion() throws -> ModelVersionRecord? {
        state.models.max { $0.key < $1.key }?.value
    }

    func insertOptimizerState(version: Int64, state stateBytes: [UInt8]) throws {
        guard state.models[version] != nil else {
            throw StoreError.invalidInput("optimizer state", "model version \(version) does not exist")
        }
        guard state.optimizerStates[version] == nil else { throw StoreError.conflict("optimizer state", key: String(version)) }
        set(\.optimizerStates, version, stateBytes)
    }

    func optimizerState(version: Int64) throws -> [UInt8]? { state.optimizerStates[version] }

    func appendLedgerEntry(_ entry: LedgerEntryRecord) throws -> LedgerEntryRecord {
        try StoreValidation.check(entry)
        var stored = entry
        stored.id = (state.ledger.last?.id ?? 0) + 1
        stored.recordedAt = entry.recordedAt.atStoredPrecision
        append(\.ledger, [stored])
        return stored
    }

    func ledgerEntries(promoterID: String?) throws -> [LedgerEntryRecord] {
        state.ledger.filter { promoterID == nil || $0.promoterID == promoterID }
    }

    func appendAuditEntries(_ entries: [AuditEntryRecord]) throws {
        try StoreValidation.check(entries, startingAt: Int64(state.audit.count))
        append(
            \.audit,
            entries.map {
                var stored = $0
                stored.loggedAt = $0.loggedAt.atStoredPrecision
                return stored
            }
        )
    }

    func auditEntries(_ filter: AuditFilter) throws -> [AuditEntryRecord] {
        if let limit = filter.limit, limit < 0 { throw StoreError.invalidInput("filter.limit", "must not be negative") }
        let matching = state.audit.filter(filter.matches)
        return filter.limit.map { Array(matching.prefix($0)) } ?? matching
    }

    func auditLogSize() throws -> Int64 { Int64(state.audit.count) }

    func insertCheckpoint(_ checkpoint: CheckpointRecord) throws {
        try StoreValidation.check(checkpoint)
        guard checkpoint.size <= state.audit.count else {
            throw StoreError.invalidInput("checkpoint.size", "\(checkpoint.size) exceeds the log size \(state.audit.count)")
        }
        if let existing = state.checkpoints[checkpoint.size] {
            guard existing.signedNote == checkpoint.signedNote else {
                throw StoreError.conflict("checkpoint", key: "size \(checkpoint.size)")
            }
            return
        }
        var stored = checkpoint
        stored.createdAt = checkpoint.createdAt.atStoredPrecision
        set(\.checkpoints, checkpoint.size, stored)
    }

    func latestCheckpoint() throws -> CheckpointRecord? { state.checkpoints.max { $0.key < $1.key }?.value }

    func registerIdentity(_ identity: IdentityRecord) throws {
        try StoreValidation.check(identity)
        if let existing = state.identities[identity.serial] {
            guard existing.spiffeID == identity.spiffeID, existing.role == identity.role else {
                throw StoreError.conflict("identity", key: "serial \(identity.serial)")
            }
            return
        }
        var stored = identity
        stored.registeredAt = identity.registeredAt.atStoredPrecision
        set(\.identities, identity.serial, stored)
    }

    func identity(serial: String) throws -> IdentityRecord? { state.identities[serial] }

    func revoke(_ revocation: RevocationRecord) throws {
        try StoreValidation.check(revocation)
        guard state.revocations[revocation.serial] == nil else { return }
        var stored = revocation
        stored.revokedAt = revocation.revokedAt.atStoredPrecision
        set(\.revocations, revocation.serial, stored)
    }

    func revocation(serial: String) throws -> RevocationRecord? { state.revocations[serial] }

    func revocations() throws -> [RevocationRecord] { state.revocations.values.sorted { $0.serial < $1.serial } }
}
