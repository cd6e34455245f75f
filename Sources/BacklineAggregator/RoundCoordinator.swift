import BacklineCore
import BacklineCrypto
import BacklineFederation
import BacklineModel
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
    /// The updates this process stored, already decoded and validated, by round and promoter with
    /// their digests, so closing a round neither reads nor decodes them again. Only a cache: the
    /// store decides what a round holds, and an update missing here (another replica took it, or
    /// this process restarted) is read from the store.
    private let acceptedUpdates: Mutex<[Int64: [String: AcceptedUpdate]]> = Mutex([:])
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
                id: next,
                minClients: Int64(parameters.minClients),
                deadline: now.addingTimeInterval(TimeInterval(parameters.deadlineSeconds)),
                parametersJSON: json,
                createdAt: now
            )
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
            return .failure(
                UpdateRejection(
                    .privacy,
                    node: envelope.node,
                    detail: "clip_norm \(envelope.clipNorm) is not in (0, \(parameters.clipNorm)]"
                )
            )
        }
        if envelope.noiseMultiplier < parameters.noiseMultiplier {
            return .failure(
                UpdateRejection(
                    .privacy,
                    node: envelope.node,
                    detail: "noise_multiplier \(envelope.noiseMultiplier) below the round's \(parameters.noiseMultiplier)"
                )
            )
        }
        return result
    }

    /// Stores a validated update durably; the receipt comes back only after COMMIT. Identical
    /// bytes give the same receipt; different bytes for the same (round, node) are a conflict.
    /// `digest` is SHA-256 of `body`, computed once by the caller.
    func store(_ update: ValidatedUpdate, body: [UInt8], digest: [UInt8], round: Int64, node: String, now: Date) throws -> UpdateReceipt {
        let receipt = try store.submitUpdate(
            UpdateSubmission(
                round: round,
                promoterID: node,
                payload: body,
                digest: digest,
                norm: update.norm,
                sampleCount: Int64(update.weight.rounded(.up)),
                receivedAt: now
            )
        )
        acceptedUpdates.withLock { cache in
            // Rounds before this one are over (one round takes updates at a time).
            cache = cache.filter { $0.key >= round }
            cache[round, default: [:]][node] = AcceptedUpdate(digest: digest, update: update)
        }
        return receipt
    }

    /// The receipt of the update `node` already stored in `round` if it holds exactly `body`
    /// (a retry whose first answer was lost), else nil.
    func existingReceipt(round: Int64, node: String, body: [UInt8]) throws -> UpdateReceipt? {
        let digest = SHA256.hash(body)
        return try store.withTransaction { try $0.updatesWithoutPayloads(inRound: round) }
            .first { $0.promoterID == node && constantTimeEquals($0.digest, digest) }?.receipt
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

    /// Removes what is left of round `id`'s raw payloads after ``aggregate(_:now:beforeCommit:)``
    /// (the spool files of a SQLite store, zeroed first); kept out of the close so the answer does
    /// not wait for it. A failure leaves them for ``discardLeftoverPayloads(at:)`` at the next start.
    public func discardPayloads(ofRound id: Int64) throws {
        try store.discardPayloads(inRound: id, at: Date())
    }

    /// Claims round `id` for aggregation; true for exactly one caller.
    public func claim(_ id: Int64) throws -> Bool { try store.claimRoundForAggregation(id) }

    /// Aggregates a claimed round: decodes and re-validates its stored updates (or takes those this
    /// process validated on arrival), runs the strategy (k ≥ max(3, min_clients) or nothing is
    /// published), and commits the new model version, update statuses, final state and the
    /// payloads' discarding together.
    /// `beforeCommit` runs (with the outcome) before the commit and may throw to stop it (the
    /// caller writes the audit entry there: fail closed).
    public func aggregate(_ id: Int64, now: Date = Date(), beforeCommit: (Closure) throws -> Void = { _ in }) throws -> Closure {
        guard let round = try store.round(id) else { throw StoreError.notFound("round", key: String(id)) }
        guard round.state == .aggregating else {
            throw StoreError.invalidTransition(id, from: round.state.rawValue, to: "aggregated (not claimed)")
        }
        let parameters = try parameters(of: round)
        let global = try latestModel()
        var (validated, rejected) = try storedUpdates(of: round)
        let conversion = try descentUpdates(&validated, global: global, round: id)
        validated = conversion.updates
        rejected += conversion.rejected
        let strategy = try parameters.strategy.makeStrategy(
            minimumContributions: max(RoundParameters.minimumClientsFloor, parameters.minClients),
            privacy: parameters.privacy,
            learningRate: parameters.serverLearningRate
        )
        let state = try optimizerState(after: global.version)
        let outcome = strategy.aggregate(round: UInt64(id), global: global.parameters.flattened(), updates: validated, state: state)
        rejected += outcome.excluded.map(\.node)
        var published: GlobalModel?
        if let values = outcome.model, values.allSatisfy(\.isFinite) {
            published = try global.replacing(values: values, version: global.version + 1, round: id, strategy: strategy.name)
        }
        let closure = Closure(
            round: id,
            state: published == nil ? .failed : .published,
            modelVersion: published?.version,
            contributors: published == nil ? [] : outcome.contributors,
            failureReason: published == nil ? (outcome.notPublishedReason ?? "aggregate was not finite") : nil
        )
        try beforeCommit(closure)
        TestCrashPoint.reach(.aggregate)
        let charge = try ledgerCharge(parameters)
        try store.withTransaction { transaction in
            if let published {
                try transaction.insertModelVersion(
                    ModelVersionRecord(
                        version: published.version,
                        bytes: published.bytes,
                        checksum: published.checksum,
                        round: id,
                        createdAt: now
                    )
                )
                try transaction.insertOptimizerState(version: published.version, state: outcome.state.encoded())
                TestCrashPoint.reach(.publish)
                for node in outcome.contributors {
                    try transaction.setUpdateStatus(round: id, promoterID: node, to: .aggregated)
                    if let charge {
                        _ = try transaction.appendLedgerEntry(
                            LedgerEntryRecord(
                                promoterID: node,
                                round: id,
                                mechanism: "gaussian",
                                parametersJSON: charge.json,
                                epsilon: charge.epsilon,
                                delta: Self.ledgerDelta,
                                recordedAt: now
                            )
                        )
                    }
                }
                for node in Set(rejected) { try transaction.setUpdateStatus(round: id, promoterID: node, to: .rejected) }
            }
            _ = try transaction.transitionRound(id, to: closure.state, at: now)
            // Raw updates are no longer served from the moment the round is final (item 73); the
            // payload files are zeroed and removed by ``discardPayloads(ofRound:)`` afterwards.
            _ = try transaction.discardPayloads(inRound: id, at: now)
        }
        if let published {
            newestModel.withLock { $0 = published }
        }
        return closure
    }

    /// The validated updates round `round` holds in the store, and the promoters whose stored update
    /// no longer decodes or validates. Updates this process accepted come from its cache when the
    /// digest matches; the others are read one at a time, so peak memory holds the decoded
    /// updates and at most one raw payload.
    private func storedUpdates(of round: RoundRecord) throws -> (updates: [ValidatedUpdate], rejected: [String]) {
        let stored = try store.withTransaction { try $0.updatesWithoutPayloads(inRound: round.id) }
        let cached = acceptedUpdates.withLock { $0.removeValue(forKey: round.id) } ?? [:]
        var validated: [ValidatedUpdate] = []
        var rejected: [String] = []
        for summary in stored {
            if let hit = cached[summary.promoterID], constantTimeEquals(hit.digest, summary.digest) {
                validated.append(hit.update)
                continue
            }
            guard let record = try store.withTransaction({ try $0.update(inRound: round.id, promoterID: summary.promoterID) }),
                let envelope = try? UpdateEnvelope(decoding: record.payload), envelope.node == record.promoterID,
                case .success(let update) = try validate(envelope, in: round)
            else {
                rejected.append(summary.promoterID)
                continue
            }
            validated.append(update)
        }
        return (validated, rejected)
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
        let json =
            "{\"clip_norm\":\(parameters.clipNorm),\"noise_multiplier\":\(parameters.noiseMultiplier),\"sampling_rate\":1,\"steps\":1}"
        return (json, loss.epsilon)
    }

    /// An update this process stored: its digest and its validated form.
    private struct AcceptedUpdate: Sendable {
        let digest: [UInt8]
        let update: ValidatedUpdate
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
