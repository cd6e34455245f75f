import BacklineFederation
import BacklineCore
import BacklineModel
import BacklineCrypto
import BacklinePrivacy
public import BacklineStore
public import Foundation
import Synchronization

/// The federation's rounds as a persisted state machine (open → collecting → aggregating →
/// published | failed), updates and model versions, all kept in the ``FederationStore``.
/// Synchronous and blocking: call it on a `BlockingExecutor` thread.
///
/// Aggregation happens exactly once per round: only the caller that wins
/// `claimRoundForAggregation` aggregates, and the new model version, the update statuses and the
/// round's final state are written in one transaction. Raw update payloads are discarded once a
/// round is over (item 73).
public final class RoundCoordinator: Sendable {
    /// What closing a round produced.
    public struct Closure: Sendable, Equatable {
        /// The round.
        public let round: Int64
        /// Its final state (published or failed).
        public let state: RoundState
        /// The model version published, if any.
        public let modelVersion: Int64?
        /// Promoters whose updates went into the model.
        public let contributors: [String]
        /// Why nothing was published, if so.
        public let failureReason: String?
    }

    /// The store.
    public let store: any FederationStore
    /// Defaults for new rounds.
    public let defaults: RoundParameters
    /// The model rounds start from until one is published.
    public let initialModel: GlobalModel
    private let newestModel: Mutex<GlobalModel?> = Mutex(nil)
    /// Releases → descent updates (regularisation from the initial model's metadata).
    let descentConversion: GradientSumConversion

    /// A coordinator over `store`.
    public init(store: any FederationStore, defaults: RoundParameters, initialModel: GlobalModel) {
        self.store = store
        self.defaults = defaults
        self.initialModel = initialModel
        self.descentConversion = Self.descentConversion(for: initialModel)
    }

    /// The newest published model, or the initial one.
    public func latestModel() throws -> GlobalModel {
        // Versions are consecutive: while version + 1 does not exist the cached model is the
        // newest, and asking reads no model bytes (every request used to read the whole blob).
        if let cached = newestModel.withLock({ $0 }), try store.withTransaction({ try $0.modelVersion(cached.version + 1) }) == nil {
            return cached
        }
        guard let record = try store.withTransaction({ try $0.latestModelVersion() }) else { return initialModel }
        if let cached = newestModel.withLock({ $0 }), cached.version == record.version { return cached }
        let model = try decode(record)
        newestModel.withLock { $0 = model }
        return model
    }

    /// Model `version` (0 is the initial model), or nil.
    public func model(version: Int64) throws -> GlobalModel? {
        if version == 0 { return initialModel }
        guard let record = try store.withTransaction({ try $0.modelVersion(version) }) else { return nil }
        return try decode(record)
    }

    /// The round still taking updates, else the newest round, else nil.
    public func currentRound() throws -> RoundRecord? {
        try store.withTransaction { transaction in
            let active = try transaction.rounds(in: [.open, .collecting])
            if let newest = active.last { return newest }
            return try transaction.rounds(in: nil).last
        }
    }

    /// The round `id`, if any.
    public func round(_ id: Int64) throws -> RoundRecord? { try store.round(id) }

    /// The parameters of `round`.
    public func parameters(of round: RoundRecord) throws -> RoundParameters {
        try RoundParameters.decode(round.parametersJSON, round: round.id)
    }

    /// Opens the next round with `parameters` (defaults when nil), unless one is still taking updates.
    /// - Throws: ``StoreError`` `conflict` when a round is in progress.
    public func openRound(_ parameters: RoundParameters? = nil, production: Bool, now: Date = Date()) throws -> RoundRecord {
        let parameters = parameters ?? defaults
        try parameters.validate(production: production, field: "round")
        let json = try parameters.encoded()
        return try store.withTransaction { transaction in
            if let active = try transaction.rounds(in: [.open, .collecting, .aggregating]).first {
                throw StoreError.conflict("round", key: "round \(active.id) is still \(active.state.rawValue)")
            }
            let next = (try transaction.rounds(in: nil).last?.id ?? 0) + 1
            let record = RoundRecord(
                id: next, minClients: Int64(parameters.minClients),
                deadline: now.addingTimeInterval(TimeInterval(parameters.deadlineSeconds)), parametersJSON: json, createdAt: now)
            try transaction.createRound(record)
            return record
        }
    }

    /// Whether `round` takes updates at `now` (state and deadline; aggregator time only).
    public static func isAccepting(_ round: RoundRecord, at now: Date) -> Bool {
        round.state.acceptsUpdates && now <= round.deadline
    }

    /// Checks `envelope` against `round` and the current model: a validated update or the refusal.
    func validate(_ envelope: UpdateEnvelope, in round: RoundRecord) throws -> Result<ValidatedUpdate, UpdateRejection> {
        let parameters = try parameters(of: round)
        let validator = try UpdateValidator(round: UInt64(round.id), shape: try latestModel().shape)
        let update = try envelope.modelUpdate()
        let result = validator.validate(update)
        guard case .success = result else { return result }
        if envelope.clipNorm > parameters.clipNorm || !(envelope.clipNorm > 0) {
            return .failure(UpdateRejection(.privacy, node: envelope.node, detail: "clip_norm \(envelope.clipNorm) is not in (0, \(parameters.clipNorm)]"))
        }
        if envelope.noiseMultiplier < parameters.noiseMultiplier {
            return .failure(UpdateRejection(
                .privacy, node: envelope.node, detail: "noise_multiplier \(envelope.noiseMultiplier) below the round's \(parameters.noiseMultiplier)"))
        }
        return result
    }

    /// Stores a validated update durably; the receipt comes back only after COMMIT. Identical
    /// bytes give the same receipt; different bytes for the same (round, node) are a conflict.
    func store(_ update: ValidatedUpdate, body: [UInt8], round: Int64, node: String, now: Date) throws -> UpdateReceipt {
        try store.submitUpdate(UpdateSubmission(
            round: round, promoterID: node, payload: body, digest: SHA256.hash(body), norm: update.norm,
            sampleCount: Int64(update.weight.rounded(.up)), receivedAt: now))
    }

    /// The receipt of the update `node` already stored in `round` if it holds exactly `body`
    /// (a retry whose first answer was lost), else nil.
    func existingReceipt(round: Int64, node: String, body: [UInt8]) throws -> UpdateReceipt? {
        let digest = SHA256.hash(body)
        return try store.updates(inRound: round).first { $0.promoterID == node && constantTimeEquals($0.digest, digest) }?.receipt
    }

    /// How many updates round `id` holds (one per promoter).
    public func contributions(in id: Int64) throws -> Int { try store.updateCount(inRound: id) }

    /// Rounds taking updates that hold at least their `target_clients` updates: they close now.
    public func roundsAtTarget() throws -> [Int64] {
        try store.withTransaction { transaction in
            try transaction.rounds(in: [.open, .collecting]).filter { round in
                try parameters(of: round).reachesTarget(try transaction.updateCount(inRound: round.id))
            }.map(\.id)
        }
    }

    /// Whether, with at most `limit` rounds wanted, the next one should be opened now: no round
    /// is open, collecting or aggregating and fewer than `limit` exist.
    public func nextRoundIsDue(limit: Int) throws -> Bool {
        try store.withTransaction { transaction in
            let rounds = try transaction.rounds(in: nil)
            return rounds.count < limit && !rounds.contains { [.open, .collecting, .aggregating].contains($0.state) }
        }
    }

    /// Rounds taking updates whose deadline has passed at `now`.
    public func expiredRounds(at now: Date = Date()) throws -> [Int64] {
        try store.withTransaction { try $0.rounds(in: [.open, .collecting]) }.filter { $0.deadline < now }.map(\.id)
    }

    /// Rounds left in `aggregating` since before `cutoff` (a process died after claiming them, or
    /// its audit write failed): they are aggregated again.
    public func stalledRounds(claimedBefore cutoff: Date = .distantFuture) throws -> [Int64] {
        try store.withTransaction { try $0.rounds(in: [.aggregating]) }.filter { $0.updatedAt < cutoff }.map(\.id)
    }

    /// Empties the raw update payloads of every published or failed round that still holds some
    /// (a process stopped between the final commit and the discard); returns how many.
    @discardableResult
    public func discardLeftoverPayloads(at now: Date = Date()) throws -> Int {
        let finished = try store.withTransaction { try $0.rounds(in: [.published, .failed]) }
        return try finished.reduce(0) { $0 + (try store.discardPayloads(inRound: $1.id, at: now)) }
    }

    /// Claims round `id` for aggregation; true for exactly one caller.
    public func claim(_ id: Int64) throws -> Bool { try store.claimRoundForAggregation(id) }

    /// Aggregates a claimed round: decodes and re-validates its stored updates, runs the
    /// strategy (k ≥ max(3, min_clients) or nothing is published), and commits the new model
    /// version, update statuses and final state together; then discards the raw payloads.
    /// `beforeCommit` runs (with the outcome) before the commit and may throw to stop it (the
    /// caller writes the audit entry there: fail closed).
    public func aggregate(_ id: Int64, now: Date = Date(), beforeCommit: (Closure) throws -> Void = { _ in }) throws -> Closure {
        guard let round = try store.round(id) else { throw StoreError.notFound("round", key: String(id)) }
        guard round.state == .aggregating else {
            throw StoreError.invalidTransition(id, from: round.state.rawValue, to: "aggregated (not claimed)")
        }
        let parameters = try parameters(of: round)
        let global = try latestModel()
        var validated: [ValidatedUpdate] = []
        var rejected: [String] = []
        // Popped in stored order so each raw payload is freed once decoded: peak memory holds the
        // decoded updates, not the decoded updates plus every payload (100 × 4.5 MB at scale).
        var records = Array(try store.updates(inRound: id).reversed())
        while let record = records.popLast() {
            guard let envelope = try? UpdateEnvelope(decoding: record.payload), envelope.node == record.promoterID,
                case .success(let update) = try validate(envelope, in: round)
            else {
                rejected.append(record.promoterID)
                continue
            }
            validated.append(update)
        }
        validated = try descentUpdates(&validated, global: global, round: id)
        let strategy = try parameters.strategy.makeStrategy(
            minimumContributions: max(RoundParameters.minimumClientsFloor, parameters.minClients), privacy: parameters.privacy,
            learningRate: parameters.serverLearningRate)
        let state = try optimizerState(after: global.version)
        let outcome = strategy.aggregate(round: UInt64(id), global: global.parameters.flattened(), updates: validated, state: state)
        rejected += outcome.excluded.map(\.node)
        var published: GlobalModel?
        if let values = outcome.model, values.allSatisfy(\.isFinite) {
            published = try global.replacing(values: values, version: global.version + 1, round: id, strategy: strategy.name)
        }
        let closure = Closure(
            round: id, state: published == nil ? .failed : .published, modelVersion: published?.version,
            contributors: published == nil ? [] : outcome.contributors,
            failureReason: published == nil ? (outcome.notPublishedReason ?? "aggregate was not finite") : nil)
        try beforeCommit(closure)
        TestCrashPoint.reach(.aggregate)
        let charge = try ledgerCharge(parameters)
        try store.withTransaction { transaction in
            if let published {
                try transaction.insertModelVersion(ModelVersionRecord(
                    version: published.version, bytes: published.bytes, checksum: published.checksum, round: id, createdAt: now))
                try transaction.insertOptimizerState(version: published.version, state: outcome.state.encoded())
                TestCrashPoint.reach(.publish)
                for node in outcome.contributors {
                    try transaction.setUpdateStatus(round: id, promoterID: node, to: .aggregated)
                    if let charge {
                        _ = try transaction.appendLedgerEntry(LedgerEntryRecord(
                            promoterID: node, round: id, mechanism: "gaussian", parametersJSON: charge.json, epsilon: charge.epsilon,
                            delta: Self.ledgerDelta, recordedAt: now))
                    }
                }
                for node in Set(rejected) { try transaction.setUpdateStatus(round: id, promoterID: node, to: .rejected) }
            }
            _ = try transaction.transitionRound(id, to: closure.state, at: now)
        }
        if let published {
            newestModel.withLock { $0 = published }
        }
        // The round is final now; a failure here leaves payloads for ``discardLeftoverPayloads()``.
        _ = try? store.discardPayloads(inRound: id, at: now)
        return closure
    }

    /// The server optimizer's state the model `version` was published with (FedAdam moments), read
    /// from the store so a restarted or second aggregator continues it; the initial state for
    /// version 0 or a version stored without one.
    func optimizerState(after version: Int64) throws -> ServerOptimizerState {
        guard version > 0, let bytes = try store.withTransaction({ try $0.optimizerState(version: version) }) else { return .initial }
        do { return try ServerOptimizerState(decoding: bytes) } catch {
            throw AggregatorError.unavailable("the optimizer state of model version \(version) is unreadable", underlying: error)
        }
    }

    /// The δ of the (ε, δ) figures the aggregator's ledger records.
    public static let ledgerDelta = 1e-5

    /// What one round costs each contributor, as the aggregator sees it (nil without noise).
    private func ledgerCharge(_ parameters: RoundParameters) throws -> (json: String, epsilon: Double)? {
        guard let mechanism = parameters.privacy else { return nil }
        let loss = try RDPAccountant.loss(of: mechanism, delta: Self.ledgerDelta)
        let json = "{\"clip_norm\":\(parameters.clipNorm),\"noise_multiplier\":\(parameters.noiseMultiplier),\"sampling_rate\":1,\"steps\":1}"
        return (json, loss.epsilon)
    }

    private func decode(_ record: ModelVersionRecord) throws -> GlobalModel {
        guard let bytes = record.bytes else {
            throw AggregatorError.malformedTensor("model version \(record.version)", "is stored by path only; this aggregator stores bytes")
        }
        let model = try GlobalModel(version: record.version, bytes: bytes, what: "model version \(record.version)")
        guard constantTimeEquals(model.checksum, record.checksum) else {
            throw AggregatorError.malformedTensor("model version \(record.version)", "checksum does not match its bytes")
        }
        return model
    }
}
