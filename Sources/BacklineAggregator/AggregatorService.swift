public import BacklineAudit
public import BacklineCore
import BacklineCrypto
public import BacklinePolicy
public import BacklineStore
public import BacklineTransport
import Dispatch
public import Foundation
import Synchronization

/// The running aggregator: the mTLS HTTP server, the rounds, the audit log in the store, the
/// policy and the metrics. Build it with ``make(configuration:logger:)`` from a configuration
/// file, or with ``init(parts:)`` (tests inject a store or a failing audit storage).
public final class AggregatorService: Sendable {
    /// Everything the service is built from.
    public struct Parts: Sendable {
        /// The federation store.
        public var store: any FederationStore
        /// Where the audit log is kept (normally ``StoreAuditStorage`` over `store`).
        public var auditStorage: any AuditLogStorage
        /// Signs audit checkpoints.
        public var auditSigner: NoteSigner
        /// The audit log's origin line.
        public var auditOrigin: String
        /// The live policy.
        public var policy: PolicyEngine
        /// TLS server material.
        public var tls: TLSServerConfiguration
        /// Listening address and limits.
        public var http: HTTPServerConfiguration
        /// This aggregator's name in the federation.
        public var name: String
        /// Defaults for new rounds.
        public var roundDefaults: RoundParameters
        /// The model rounds start from.
        public var initialModel: GlobalModel
        /// Production mode (no rounds without noise).
        public var production: Bool
        /// The policy file, re-read by ``reloadPolicy()`` (and on SIGHUP while ``run()`` serves).
        public var policyPath: String?
        /// Rounds the service opens by itself (see ``AggregatorConfiguration/autoRounds``); nil: none.
        public var autoRounds: Int?
        /// Seconds a claimed round may stay `aggregating` before the clock aggregates it again
        /// (see ``AggregatorConfiguration/stallTimeoutSeconds``).
        public var stallTimeout: TimeInterval

        /// The parts, as given.
        public init(
            store: any FederationStore,
            auditStorage: any AuditLogStorage,
            auditSigner: NoteSigner,
            auditOrigin: String,
            policy: PolicyEngine,
            tls: TLSServerConfiguration,
            http: HTTPServerConfiguration,
            name: String,
            roundDefaults: RoundParameters,
            initialModel: GlobalModel,
            production: Bool,
            policyPath: String? = nil,
            autoRounds: Int? = nil,
            stallTimeout: TimeInterval = AggregatorConfiguration.defaultStallTimeoutSeconds
        ) {
            self.policyPath = policyPath
            self.autoRounds = autoRounds
            self.stallTimeout = stallTimeout
            self.store = store
            self.auditStorage = auditStorage
            self.auditSigner = auditSigner
            self.auditOrigin = auditOrigin
            self.policy = policy
            self.tls = tls
            self.http = http
            self.name = name
            self.roundDefaults = roundDefaults
            self.initialModel = initialModel
            self.production = production
        }
    }

    /// Rounds, updates and models.
    public let coordinator: RoundCoordinator
    /// The audit log.
    public let auditLog: AuditLog
    /// The live policy.
    public let policy: PolicyEngine
    /// Request and round counters.
    public let metrics = AggregatorMetrics()
    /// Log sink.
    public let logger: Logger
    /// This aggregator's own identity (for the entries it writes about its own actions).
    public let identity: PeerIdentity
    let production: Bool
    let policyPath: String?
    let autoRounds: Int?
    /// How long a claimed round may stay `aggregating` before it is taken to be abandoned (its
    /// aggregator died, or its audit write failed) and aggregated again by ``run()``'s clock.
    public let stallTimeout: TimeInterval
    let recorder: AuditRecorder
    private let server: HTTPServerBox
    private let executor = AggregatorService.storeExecutor
    private let inFlight = Mutex<Set<Int64>>([])
    /// SHA-256 of the policy that last refused an automatic round (logged and audited once per policy).
    let autoRoundRefusedBy = Mutex<String?>(nil)

    /// A service from `parts`; nothing listens until ``start()``.
    /// - Throws: ``AuditError`` if the stored log contradicts its own signed checkpoint.
    public init(parts: Parts, logger: Logger) throws {
        coordinator = RoundCoordinator(store: parts.store, defaults: parts.roundDefaults, initialModel: parts.initialModel)
        auditLog = try AuditLog(storage: parts.auditStorage, signer: parts.auditSigner, origin: parts.auditOrigin)
        policy = parts.policy
        self.logger = logger
        production = parts.production
        policyPath = parts.policyPath
        autoRounds = parts.autoRounds
        stallTimeout = parts.stallTimeout
        identity = try PeerIdentity(federation: parts.tls.federation, role: .aggregator, name: parts.name)
        recorder = AuditRecorder(log: auditLog, policy: parts.policy, metrics: metrics, logger: logger, executor: Self.storeExecutor)
        server = HTTPServerBox()
        let router = AggregatorAPI(service: self).makeRouter()
        server.set(HTTPServer(configuration: parts.http, tls: parts.tls, router: router, logger: logger))
    }

    /// Binds and starts serving; returns the port. Rounds a crashed process left in
    /// `aggregating` are aggregated first, raw updates left in finished rounds are discarded,
    /// rounds that reached their `target_clients` are closed, and with `auto_rounds` the next
    /// round is opened if one is due.
    @discardableResult
    public func start() async throws -> UInt16 {
        await resumeStalledRounds(claimedBefore: .distantFuture)
        let coordinator = coordinator
        let discarded = try await blocking { try coordinator.discardLeftoverPayloads() }
        if discarded > 0 { logger.warning("discarded raw updates left from finished rounds", ["count": .public(String(discarded))]) }
        await closeRoundsAtTarget()
        await openAutoRoundIfDue()
        return try server.value.start()
    }

    /// The port served (after ``start()``).
    public var port: UInt16 { server.value.port }

    /// Serves until the task is cancelled (SIGINT/SIGTERM in the CLI), closing rounds and analytics
    /// queries at their deadline and signing due checkpoints; then finishes in-flight requests and returns.
    public func run() async throws {
        if server.value.port == 0 { try await start() }
        server.value.reloadOnHangupSignal()
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { [weak self] in _ = try? self?.reloadPolicy() }
        hangup.resume()
        defer { hangup.cancel() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.server.value.run() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    if Task.isCancelled { break }
                    await self.closeExpiredRounds()
                    await self.closeRoundsAtTarget()
                    await AggregatorAPI(service: self).closeDueAnalyticsQueries()
                    await self.resumeStalledRounds(claimedBefore: Date().addingTimeInterval(-self.stallTimeout))
                    let log = self.auditLog
                    _ = try? await self.blocking { try log.checkpointIfDue() }
                    await self.openAutoRoundIfDue()
                }
            }
            await group.waitForAll()
        }
        let log = auditLog
        _ = try? await blocking { try log.checkpointIfDue() }
    }

    /// Re-reads the policy file; on any error the previous policy stays active and the error
    /// (naming the line) is thrown. Decisions record the hash of the policy that made them.
    /// - Returns: SHA-256 (hex) of the policy now active.
    @discardableResult
    public func reloadPolicy() throws -> String {
        guard let policyPath else { throw AggregatorError.invalidConfiguration("policy", "this service was built without a policy file") }
        do {
            let loaded = try policy.reload(contentsOf: policyPath)
            logger.info("policy reloaded", ["sha256": .public(loaded.sha256)])
            return loaded.sha256
        } catch {
            logger.error("policy reload failed; the previous policy stays active", ["error": .public(String(describing: error))])
            throw error
        }
    }

    /// Stops serving (graceful: in-flight requests finish).
    public func shutdown() { server.value.shutdown() }

    /// Closes and aggregates every round whose deadline has passed (aggregator time only).
    public func closeExpiredRounds() async {
        let coordinator = coordinator
        guard let expired = try? await blocking({ try coordinator.expiredRounds() }) else { return }
        for id in expired {
            do { _ = try await close(round: id) } catch {
                logger.error(
                    "closing an expired round failed",
                    ["round": .public(String(id)), "error": .public(String(describing: error))]
                )
            }
        }
    }

    /// Aggregates rounds claimed before `cutoff` and never finished, except those this process is
    /// aggregating now. A replica racing on the same round loses at the commit (the round is no
    /// longer `aggregating`, or the model version exists), so nothing is published twice.
    public func resumeStalledRounds(claimedBefore cutoff: Date) async {
        let coordinator = coordinator
        guard let stalled = try? await blocking({ try coordinator.stalledRounds(claimedBefore: cutoff) }) else { return }
        for id in stalled where !inFlight.withLock({ $0.contains(id) }) {
            logger.warning("resuming the aggregation of a round left half-done", ["round": .public(String(id))])
            do { _ = try await aggregate(id) } catch {
                logger.error("resuming a round failed", ["round": .public(String(id)), "error": .public(String(describing: error))])
            }
        }
    }

    /// Claims round `id` and aggregates it; nil if another caller already claimed it.
    public func close(round id: Int64) async throws -> RoundCoordinator.Closure? {
        let coordinator = coordinator
        guard try await blocking({ try coordinator.claim(id) }) else { return nil }
        return try await aggregate(id)
    }

    /// Aggregates a claimed round, writing the audit entry (publish or failure) before the commit.
    private func aggregate(_ id: Int64) async throws -> RoundCoordinator.Closure {
        guard inFlight.withLock({ $0.insert(id).inserted }) else {
            throw AggregatorError.unavailable("round \(id) is already being aggregated by this process")
        }
        defer { inFlight.withLock { _ = $0.remove(id) } }
        let coordinator = coordinator
        let log = auditLog
        let policy = policy
        let identity = identity
        // Two entries per close: the intent ("publishing" / "failing") before the commit, so
        // nothing is committed that the log does not announce (fail closed), and the outcome
        // ("published" / "round_failed") once it is committed. A replica that dies between the
        // two leaves an intent without an outcome; the one that takes the round over logs both.
        @Sendable func entry(_ closure: RoundCoordinator.Closure, outcome: (published: String, failed: String)) throws -> AuditEntry {
            let published = closure.state == .published
            let request = PolicyRequest(
                role: identity.role.rawValue,
                subject: identity.name,
                action: published ? "publish_model" : "aggregate_round",
                resourceType: published ? "model" : "round",
                roundIsOpen: published ? nil : false
            )
            let decision = policy.evaluate(request)
            guard decision.allowed else {
                throw AggregatorError.unavailable("the policy does not let the aggregator \(request.action) (rule \(decision.ruleID))")
            }
            return try AuditEntry(
                spiffeID: identity.spiffeID,
                role: identity.role.rawValue,
                action: request.action,
                resource: published ? "model:\(closure.modelVersion ?? 0)" : "round:\(id)",
                round: Int(id),
                decision: .allow,
                ruleID: decision.ruleID,
                policySHA256: decision.policySHA256,
                outcome: published ? outcome.published : outcome.failed
            )
        }
        let closure = try await blocking {
            try coordinator.aggregate(id) { closure in
                let intent = try entry(closure, outcome: ("publishing", "failing"))
                do { try log.append(intent) } catch {
                    throw AggregatorError.unavailable(
                        "the audit log cannot be written; round \(id) stays aggregating and is retried",
                        underlying: error
                    )
                }
            }
        }
        do {
            let outcome = try entry(closure, outcome: ("published", "round_failed"))
            try await blocking { _ = try log.append(outcome) }
        } catch {
            // Committed already: the intent entry stands for it. Say so loudly.
            metrics.increment("backline_audit_failures_total")
            logger.error(
                "the audit entry for round \(id)'s committed outcome could not be written",
                ["round": .public(String(id)), "error": .public(String(describing: error))]
            )
        }
        if let reason = closure.failureReason {
            logger.warning("round failed; no model published", ["round": .public(String(id)), "reason": .public(reason)])
        } else {
            logger.info("model published", ["round": .public(String(id)), "version": .public(String(closure.modelVersion ?? 0))])
        }
        metrics.increment("backline_rounds_total", [("event", closure.state.rawValue)])
        let logger = logger
        Task {
            do { try await blocking { try coordinator.discardPayloads(ofRound: id) } } catch {
                logger.error(
                    "discarding a round's payload files failed; retried at the next start",
                    ["round": .public(String(id)), "error": .public(String(describing: error))]
                )
            }
        }
        await openAutoRoundIfDue()
        return closure
    }

    /// The threads store and audit calls block on. Most of their time is spent waiting for the
    /// disk (an update's fsync) or the database, not computing, so there are more of them than
    /// cores: concurrent submissions write and sync their payloads in parallel. One pool for every
    /// service in the process, living as long as it.
    static let storeExecutor = BlockingExecutor(threadCount: 16, name: "aggregator-store")

    /// Runs blocking `body` (store, audit fsync, aggregation) on the blocking executor.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await executor.run(body)
    }
}

/// Holds the server, set once during init (the router needs the service first).
private final class HTTPServerBox: @unchecked Sendable {
    // @unchecked: written once in AggregatorService.init before the service is shared, then only read.
    private var server: HTTPServer?
    func set(_ server: HTTPServer) { self.server = server }
    var value: HTTPServer { server! }
}
