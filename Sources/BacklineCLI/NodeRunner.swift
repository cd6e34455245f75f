internal import BacklineCore
internal import BacklineCrypto
internal import BacklineFederation
internal import BacklineModel
internal import BacklineNode
internal import BacklinePrivacy
internal import BacklineTransport
internal import BacklineVault
import Foundation

/// The public progress of a running node, rewritten in `status.json` of its state directory after
/// every step (aggregate figures only: no member data).
struct NodeProgress: Codable, Sendable {
    var node: String
    var state: String
    var round: Int64?
    var modelVersion: Int64?
    var roundsSubmitted: Int
    var epsilonSpent: Double
    var epsilonBudget: Double
    var delta: Double
    var validationNDCG: Double?
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case node, state, round, delta
        case modelVersion = "model_version"
        case roundsSubmitted = "rounds_submitted"
        case epsilonSpent = "epsilon_spent"
        case epsilonBudget = "epsilon_budget"
        case validationNDCG = "validation_ndcg_at_10"
        case updatedAt = "updated_at"
    }
}

/// The loop of `backline node run`: take part in every round the aggregator opens, then take in the
/// model it publishes (validation NDCG@10 on the node's held-out entries, member factors for the
/// query commands), until the budget is spent, `untilRound` is finished or nothing happens for
/// `idleTimeout`.
struct NodeRunner {
    let session: NodeSession
    let context: CommandContext
    let untilRound: Int64?
    let idleTimeout: Double
    let logger: Logger

    /// Why the loop ended.
    enum Ending: String, Encodable {
        case untilRound = "until_round"
        case budgetExhausted = "budget_exhausted"
        case idle, cancelled
    }

    /// Runs until an ``Ending``; throws for failures a retry cannot fix (a refused aggregator
    /// identity, a policy denial, a round asking for weaker privacy than configured).
    func run() async throws -> (Ending, NodeProgress) {
        let configuration = session.configuration
        let http = try session.httpClient(logger: logger)
        defer { http.close() }
        let archive = try await retrying("download the federation's initial model") { try await session.federationModel(client: http) }
        let view = try VaultData.load(from: session.vault).trainingView()
        let federation = try NodeFederationView(
            name: configuration.name,
            view: view,
            archive: archive,
            holdout: try HoldoutSplit(fraction: configuration.holdoutFraction, seed: Self.holdoutSeed)
        )
        note(
            "\(federation.memberIDs.count) members, \(federation.train.interactions.entryCount) training and \(federation.test.entryCount) held-out interactions; \(archive.artists.count) artists, \(archive.factors) factors"
        )
        let ledger = try session.ledger()
        let privacy = try PrivacySettings(
            clipNorm: configuration.privacy.clipNorm,
            noiseMultiplier: configuration.privacy.noiseMultiplier,
            countNoiseMultiplier: configuration.privacy.countNoiseMultiplier
        )
        let node = try NodeRound(
            data: federation.train,
            specification: federation.specification,
            samplingRate: configuration.privacy.samplingRate,
            samplingSeed: SecureRandom.secureBytes(PoissonSampler.seedCount),
            privacy: privacy,
            ledger: ledger,
            threads: configuration.threads
        )
        let client = try RoundClient(client: http, node: node, noise: SecureNoiseSource(), journal: session.journal)
        var progress = NodeProgress(
            node: configuration.name,
            state: "starting",
            round: nil,
            modelVersion: session.journal.snapshot.modelVersion,
            roundsSubmitted: session.journal.snapshot.receipts.count,
            epsilonSpent: ledger.spent.epsilon,
            epsilonBudget: ledger.budget.epsilon,
            delta: ledger.budget.delta,
            validationNDCG: session.journal.snapshot.rounds.last?.validationNDCG,
            updatedAt: Date()
        )
        try publish(&progress, state: "waiting")
        var lastActivity = Date()
        while !Task.isCancelled {
            let outcome = try await retrying(Self.roundWork) { try await client.participate() }
            switch outcome {
            case .submitted(let receipt), .alreadySubmitted(let receipt):
                lastActivity = Date()
                progress.round = receipt.round
                progress.roundsSubmitted = session.journal.snapshot.receipts.count
                progress.epsilonSpent = await client.ledger?.spent.epsilon ?? progress.epsilonSpent
                if case .submitted = outcome {
                    note(
                        String(
                            format: "round %lld: update submitted (receipt %@), ε spent %.3f of %.3f",
                            receipt.round,
                            String(receipt.receiptID.prefix(16)),
                            progress.epsilonSpent,
                            progress.epsilonBudget
                        )
                    )
                }
                try publish(&progress, state: "submitted")
                try await takeInModel(after: receipt.round, client: client, federation: federation, progress: &progress)
                if let untilRound, receipt.round >= untilRound { return (.untilRound, progress) }
            case .notAccepting(let round):
                if let untilRound, let round, round >= untilRound, try await roundFinished(round, client: client) {
                    return (.untilRound, progress)
                }
                if Date().timeIntervalSince(lastActivity) > idleTimeout { return (.idle, progress) }
                try await pause(configuration.pollSeconds)
            case .budgetExhausted(let round):
                note(
                    String(
                        format: "round %lld: privacy budget spent (ε %.3f of %.3f): this node no longer contributes",
                        round,
                        progress.epsilonSpent,
                        progress.epsilonBudget
                    )
                )
                try publish(&progress, state: "budget_exhausted")
                return (.budgetExhausted, progress)
            }
        }
        return (.cancelled, progress)
    }

    /// The public seed of the holdout split (every party can recompute which entries are held out).
    static let holdoutSeed: UInt64 = 0x6261_636B_6C69_6E65
    /// What the round loop's retries are doing, as the give-up error names it.
    private static let roundWork = "take part in the aggregator's round"

    /// Waits until round `round` is over, then takes in the newest model: validation figures,
    /// a model file for the query commands and member factors (encrypted, in the vault).
    private func takeInModel(
        after round: Int64,
        client: RoundClient<SecureNoiseSource>,
        federation: NodeFederationView,
        progress: inout NodeProgress
    ) async throws {
        let started = Date()
        while !Task.isCancelled, !(try await roundFinished(round, client: client)) {
            if Date().timeIntervalSince(started) > idleTimeout { return }
            try await pause(session.configuration.pollSeconds)
        }
        let latest = try await retrying("download the latest model") { try await client.latestGlobalModel() }
        let known = session.journal.snapshot.modelVersion ?? 0
        guard latest.version > known else {
            note("round \(round): no new model was published (the round failed or was not aggregated)")
            try session.journal.record(
                .init(
                    round: round,
                    outcome: "no_model",
                    modelVersion: nil,
                    epsilonSpent: progress.epsilonSpent,
                    validationNDCG: nil,
                    at: Date()
                )
            )
            return
        }
        let threads = session.configuration.threads
        let metrics = try federation.validate(latest.parameters, threads: threads)
        let archive = try federation.archive(of: latest.parameters, version: latest.version)
        let bytes = try archive.encode()
        let model = try federation.specification.model(latest.parameters)
        let solved = try model.foldInMembers(
            interactions: federation.all.interactions,
            memberFeatures: federation.all.memberFeatures,
            threads: threads
        )
        try AtomicFileWriter.write(bytes, to: session.latestModelPath)
        try MemberFactorState(
            memberIDs: federation.memberIDs,
            factors: archive.factors,
            values: solved.own.storage,
            modelTag: NodeModelSupport.modelTag(bytes)
        ).store(to: session.vault)
        try session.journal.record(
            .init(
                round: round,
                outcome: "published",
                modelVersion: latest.version,
                epsilonSpent: progress.epsilonSpent,
                validationNDCG: metrics?.ndcg,
                at: Date()
            )
        )
        progress.modelVersion = latest.version
        progress.validationNDCG = metrics?.ndcg
        try publish(&progress, state: "waiting")
        note(
            String(
                format: "round %lld: model version %lld taken in%@",
                round,
                latest.version,
                metrics.map { String(format: ", validation NDCG@10 %.4f", $0.ndcg) } ?? ""
            )
        )
    }

    /// Whether round `round` no longer takes updates (a newer round exists, or it is closed).
    private func roundFinished(_ round: Int64, client: RoundClient<SecureNoiseSource>) async throws -> Bool {
        do {
            guard let current = try await client.announcement() else { return false }
            if current.round > round { return true }
            return current.round == round && ["published", "failed"].contains(current.state)
        } catch let error where RetryBackoff.isRetryable(error) {
            return false
        }
    }

    private func publish(_ progress: inout NodeProgress, state: String) throws {
        progress.state = state
        progress.updatedAt = Date()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFileWriter.write(Array(try encoder.encode(progress)), to: session.statusPath, mode: 0o644)
    }

    private func note(_ line: String) { context.note("\(session.configuration.name): \(line)") }

    private func pause(_ seconds: Double) async throws { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }

    /// `body` until it succeeds, fails for a reason a retry cannot fix, or fails `retry.max_attempts`
    /// times in a row (``NodeError`` `retries_exhausted`, naming `what`); the waits between
    /// attempts grow from the configured initial delay (each call starts afresh: it ends in a success).
    private func retrying<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var backoff = try RetryBackoff(settings: session.configuration.effectiveRetry)
        return try await backoff.retrying(what, note: note, body)
    }
}
