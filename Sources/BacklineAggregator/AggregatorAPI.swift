import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklineFederation
import BacklinePolicy
import BacklinePrivacy
import BacklineStore
import BacklineTransport
import Foundation

/// The aggregator's HTTP API, served over mutual TLS 1.3 only: every request carries the
/// caller's verified SPIFFE identity, is decided by the federation policy, and is written to the
/// audit log *before* anything is done (if that write fails: 503 `audit_unavailable`, nothing
/// done). Refusals are JSON `{"error":{"code":…,"message":…}}` with a stable code, never a trace.
/// Any request may also get 503 `store_unavailable` while the database is unreachable (retry).
///
/// | method, path | who (policy action) | answer |
/// |---|---|---|
/// | `GET /healthz` | any federation member (no policy, not audited) | `{"status":"ok"}` |
/// | `GET /metrics` | operator (`read_metrics`) | Prometheus text: requests and latency by route, rounds, submissions, rejections by reason, policy denials, audit failures |
/// | `GET /v1/rounds/current` | promoter, operator (`read_round`) | the round taking updates (else the newest): id, state, deadline, min_clients, clip_norm, noise_multiplier, strategy, model_version, accepting, contributions (updates stored so far), target_clients (when set); 404 `no_round` |
/// | `POST /v1/rounds` | operator (`manage_round`) | opens the next round; optional JSON body overriding `min_clients` (≥ 3), `deadline_seconds`, `clip_norm`, `noise_multiplier`, `strategy`, `target_clients` (≥ min_clients: close as soon as that many promoters submitted); 201; 409 `round_in_progress`; 422 `invalid_round_parameters` |
/// | `POST /v1/rounds/{r}/close` | operator (`manage_round`) | aggregates round r exactly once (k ≥ 3 or nothing is published): state, model_version, contributors, failure_reason; 409 `already_closed` |
/// | `GET /v1/models/latest`, `GET /v1/models/{v}` | promoter, aggregator (`read_model`) | the safetensors bytes; headers `X-Backline-Model-Version`, `X-Backline-Model-SHA256`; version 0 is the initial model |
/// | `POST /v1/rounds/{r}/updates` | promoter, own update, round open (`submit_update`) | body: safetensors update whose `__metadata__` holds round, node, sample_count, clip_norm, noise_multiplier and optionally model_sha256 (422 `stale_model` if it is not the current model's); 200 receipt `{receipt_id, round, node, digest}` after the update is durable; same bytes → same receipt, also after the round closed. 403 `impersonation_attempt` (node ≠ certificate), 409 `round_mismatch` (metadata round ≠ r: replay), 409 `round_closed`, 409 `conflict` (other bytes already stored), 400 `malformed_update`, 422 `non_finite` / `invalid_metadata` / `nan` / `inf` / `shape` / `dtype` / `count` / `privacy`, 413 before reading an oversized body |
/// | `GET /v1/rounds/{r}/updates/{node}` | nobody: raw updates are never served | 403 `raw_updates_never_served`, audited |
/// | `GET /v1/audit/entries?from=&to=&actor=&action=&round=&limit=` | auditor (`read_audit`) | entries with index and leaf hash (limit ≤ 1000, default 100) |
/// | `GET /v1/audit/checkpoint` | auditor (`read_audit`) | the latest signed checkpoint note (text); 404 `no_checkpoint` |
/// | `GET /v1/audit/proof?index=&size=` | auditor (`read_audit`) | inclusion proof: leaf_hash, root, proof (hex) |
/// | `GET /v1/ledger?promoter=` | auditor, aggregator (`read_ledger`) | privacy-ledger entries as the aggregator recorded them |
struct AggregatorAPI: Sendable {
    let service: AggregatorService

    private var recorder: AuditRecorder { service.recorder }
    private var coordinator: RoundCoordinator { service.coordinator }
    private var metrics: AggregatorMetrics { service.metrics }

    /// The router with every route, each timed for `/metrics`.
    func makeRouter() -> HTTPRouter {
        var router = HTTPRouter()
        func add(_ method: String, _ pattern: String, _ handler: @escaping HTTPRouter.Handler) {
            let metrics = metrics
            router.add(method, pattern) { request, peer in
                let started = ContinuousClock.now
                func seconds() -> Double {
                    let elapsed = ContinuousClock.now - started
                    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                }
                do {
                    let response = try await handler(request, peer)
                    metrics.observe(route: "\(method) \(pattern)", status: response.status, seconds: seconds())
                    return response
                } catch let error as any HTTPResponseError {
                    metrics.observe(route: "\(method) \(pattern)", status: error.status, seconds: seconds())
                    throw error
                } catch let error as StoreError where Self.transientStoreCodes.contains(error.code) {
                    // The database is restarting or unreachable: a retryable 503, not a bare 500.
                    metrics.observe(route: "\(method) \(pattern)", status: 503, seconds: seconds())
                    service.logger.warning("store unavailable", ["route": .public(pattern), "error": .public(String(describing: error))])
                    throw HTTPError(status: 503, code: "store_unavailable", message: "the store is unavailable; retry later")
                } catch {
                    metrics.observe(route: "\(method) \(pattern)", status: 500, seconds: seconds())
                    service.logger.error("request failed", ["route": .public(pattern), "error": .public(String(describing: error))])
                    throw error
                }
            }
        }
        add("GET", "/healthz") { _, _ in try .json(["status": "ok"]) }
        add("GET", "/metrics") { request, peer in
            try await recorder.authorize(
                peer,
                .init(action: "read_metrics", resourceType: "metrics", resource: "metrics"),
                request: request
            )
            return .bytes(Array(metrics.exposition().utf8), contentType: "text/plain; version=0.0.4")
        }
        add("GET", "/v1/rounds/current", currentRound)
        add("POST", "/v1/rounds", openRound)
        add("POST", "/v1/rounds/{round}/close", closeRound)
        add("GET", "/v1/models/latest") { request, peer in try await model(request, peer, version: nil) }
        add("GET", "/v1/models/{version}") { request, peer in
            guard let version = Int64(request.pathParameters["version"] ?? ""), version >= 0 else {
                throw HTTPError(status: 400, code: "bad_version", message: "model version must be a non-negative integer")
            }
            return try await model(request, peer, version: version)
        }
        add("POST", "/v1/rounds/{round}/updates", submitUpdate)
        add("GET", "/v1/rounds/{round}/updates/{node}", readUpdate)
        add("GET", "/v1/audit/entries", auditEntries)
        add("GET", "/v1/audit/checkpoint", auditCheckpoint)
        add("GET", "/v1/audit/proof", auditProof)
        add("GET", "/v1/ledger", ledger)
        add("POST", "/v1/analytics/queries", openAnalyticsQuery)
        add("GET", "/v1/analytics/queries/current", currentAnalyticsQuery)
        add("GET", "/v1/analytics/queries/{query}", analyticsQuery)
        add("POST", "/v1/analytics/queries/{query}/histograms", submitHistogram)
        add("GET", "/v1/analytics/queries/{query}/histograms/{node}", readHistogram)
        add("POST", "/v1/analytics/queries/{query}/close", closeAnalyticsQuery)
        add("GET", "/v1/analytics/queries/{query}/result", analyticsResult)
        return router
    }

    /// Store failures a retry can cure (lost connection, busy database, unknown commit outcome).
    static let transientStoreCodes: [StoreError.Code] = [.unavailable, .busy, .commitOutcomeUnknown]

    // MARK: rounds

    private struct RoundView: Encodable {
        let round: Int64
        let state: String
        let deadline: String
        let minClients: Int64
        let clipNorm: Double
        let noiseMultiplier: Double
        let strategy: String
        let modelVersion: Int64
        let accepting: Bool
        let contributions: Int
        let targetClients: Int?
        enum CodingKeys: String, CodingKey {
            case round, state, deadline, strategy, accepting, contributions
            case targetClients = "target_clients"
            case minClients = "min_clients"
            case clipNorm = "clip_norm"
            case noiseMultiplier = "noise_multiplier"
            case modelVersion = "model_version"
        }
    }

    private func view(_ round: RoundRecord) async throws -> RoundView {
        let coordinator = coordinator
        let (parameters, version, contributions) = try await service.blocking {
            (try coordinator.parameters(of: round), try coordinator.latestModel().version, try coordinator.contributions(in: round.id))
        }
        return RoundView(
            round: round.id,
            state: round.state.rawValue,
            deadline: ISO8601DateFormatter().string(from: round.deadline),
            minClients: round.minClients,
            clipNorm: parameters.clipNorm,
            noiseMultiplier: parameters.noiseMultiplier,
            strategy: parameters.strategy.rawValue,
            modelVersion: version,
            accepting: RoundCoordinator.isAccepting(round, at: Date()),
            contributions: contributions,
            targetClients: parameters.targetClients
        )
    }

    private func currentRound(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let coordinator = coordinator
        let round = try await service.blocking { try coordinator.currentRound() }
        let subject = AuditRecorder.Subject(
            action: "read_round",
            resourceType: "round",
            roundIsOpen: round.map { RoundCoordinator.isAccepting($0, at: Date()) } ?? false,
            resource: "round:\(round.map { String($0.id) } ?? "none")",
            round: round?.id
        )
        try await recorder.authorize(peer, subject, request: request)
        guard let round else { throw HTTPError(status: 404, code: "no_round", message: "no round has been opened yet") }
        return try .json(try await view(round))
    }

    private struct RoundOverrides: Decodable {
        var minClients: Int?
        var deadlineSeconds: Int?
        var clipNorm: Double?
        var noiseMultiplier: Double?
        var strategy: StrategyName?
        var targetClients: Int?
        enum CodingKeys: String, CodingKey {
            case strategy
            case targetClients = "target_clients"
            case minClients = "min_clients"
            case deadlineSeconds = "deadline_seconds"
            case clipNorm = "clip_norm"
            case noiseMultiplier = "noise_multiplier"
        }
    }

    private func openRound(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        try await recorder.authorize(
            peer,
            .init(action: "manage_round", resourceType: "round", roundIsOpen: true, resource: "round:new"),
            request: request
        )
        var parameters = coordinator.defaults
        if !request.body.isEmpty {
            let overrides: RoundOverrides
            do { overrides = try JSONDecoder().decode(RoundOverrides.self, from: Data(request.body)) } catch {
                throw HTTPError(status: 422, code: "invalid_round_parameters", message: "body must be a JSON object of round parameters")
            }
            parameters.minClients = overrides.minClients ?? parameters.minClients
            parameters.deadlineSeconds = overrides.deadlineSeconds ?? parameters.deadlineSeconds
            parameters.clipNorm = overrides.clipNorm ?? parameters.clipNorm
            parameters.noiseMultiplier = overrides.noiseMultiplier ?? parameters.noiseMultiplier
            parameters.strategy = overrides.strategy ?? parameters.strategy
            parameters.targetClients = overrides.targetClients ?? parameters.targetClients
        }
        let coordinator = coordinator
        let production = service.production
        let chosen = parameters
        let round: RoundRecord
        do {
            round = try await service.blocking { try coordinator.openRound(chosen, production: production) }
        } catch let error as AggregatorError {
            throw HTTPError(status: 422, code: "invalid_round_parameters", message: error.reason)
        } catch let error as StoreError where error.code == .conflict {
            throw HTTPError(status: 409, code: "round_in_progress", message: "another round is still in progress")
        }
        metrics.increment("backline_rounds_total", [("event", "opened")])
        var response = try HTTPResponse.json(try await view(round))
        response.status = 201
        return response
    }

    private func closeRound(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let id = try Self.roundParameter(request)
        let coordinator = coordinator
        guard let round = try await service.blocking({ try coordinator.round(id) }) else {
            try await recorder.authorize(
                peer,
                .init(action: "manage_round", resourceType: "round", roundIsOpen: false, resource: "round:\(id)", round: id),
                request: request
            )
            throw HTTPError(status: 404, code: "round_not_found", message: "round \(id) does not exist")
        }
        try await recorder.authorize(
            peer,
            .init(
                action: "manage_round",
                resourceType: "round",
                roundIsOpen: round.state.acceptsUpdates,
                resource: "round:\(id)",
                round: id
            ),
            request: request
        )
        let closed: RoundCoordinator.Closure?
        do { closed = try await service.close(round: id) } catch let error as AggregatorError where error.code == .unavailable {
            throw HTTPError(status: 503, code: "unavailable", message: error.reason)
        }
        guard let closure = closed else {
            throw HTTPError(status: 409, code: "already_closed", message: "round \(id) is \(round.state.rawValue); it is aggregated once")
        }
        struct Body: Encodable {
            let round: Int64, state: String, model_version: Int64?, contributors: [String], failure_reason: String?
        }
        return try .json(
            Body(
                round: closure.round,
                state: closure.state.rawValue,
                model_version: closure.modelVersion,
                contributors: closure.contributors.sorted(),
                failure_reason: closure.failureReason
            )
        )
    }

    // MARK: models

    private func model(_ request: HTTPRequest, _ peer: PeerIdentity, version: Int64?) async throws -> HTTPResponse {
        try await recorder.authorize(
            peer,
            .init(action: "read_model", resourceType: "model", resource: "model:\(version.map(String.init) ?? "latest")"),
            request: request
        )
        let coordinator = coordinator
        let model = try await service.blocking { () -> GlobalModel? in
            if let version { return try coordinator.model(version: version) }
            return try coordinator.latestModel()
        }
        guard let model else { throw HTTPError(status: 404, code: "model_not_found", message: "no model version \(version ?? -1)") }
        var response = HTTPResponse.bytes(model.bytes)
        response.headers.add("X-Backline-Model-Version", String(model.version))
        response.headers.add("X-Backline-Model-SHA256", Hex.encode(model.checksum))
        return response
    }

    // MARK: updates

    private func submitUpdate(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let id = try Self.roundParameter(request)
        let coordinator = coordinator
        let now = Date()
        func subject(owner: String, open: Bool?) -> AuditRecorder.Subject {
            .init(
                action: "submit_update",
                resourceType: "update",
                owner: owner,
                roundIsOpen: open,
                resource: "update:\(owner):r\(id)",
                round: id
            )
        }
        func refuse(
            _ subject: AuditRecorder.Subject,
            _ decision: PolicyDecision,
            forceDeny: Bool = true,
            outcome: String,
            _ error: HTTPError
        )
            async throws -> Never
        {
            let recorded =
                forceDeny && decision.allowed
                ? PolicyDecision(allowed: false, ruleID: decision.ruleID, reason: decision.reason, policySHA256: decision.policySHA256)
                : decision
            try await recorder.record(peer, subject, decision: recorded, outcome: outcome, request: request)
            metrics.increment("backline_rejections_total", [("reason", error.code)])
            throw error
        }
        guard let round = try await service.blocking({ try coordinator.round(id) }) else {
            let s = subject(owner: peer.name, open: false)
            try await refuse(
                s,
                recorder.decide(peer, s),
                outcome: "round_not_found",
                HTTPError(status: 404, code: "round_not_found", message: "round \(id) does not exist")
            )
        }
        let open = RoundCoordinator.isAccepting(round, at: now)
        let envelope: UpdateEnvelope
        do { envelope = try UpdateEnvelope(decoding: request.body) } catch let failure as UpdateDecodingFailure {
            let s = subject(owner: peer.name, open: open)
            try await refuse(
                s,
                recorder.decide(peer, s),
                outcome: "rejected:\(failure.code)",
                HTTPError(status: failure.code == "malformed_update" ? 400 : 422, code: failure.code, message: failure.message)
            )
        }
        let claimed = subject(owner: envelope.node, open: open)
        let decision = recorder.decide(peer, claimed)
        if envelope.node != peer.name {
            service.logger.warning("impersonation attempt", ["caller": .public(peer.spiffeID), "round": .public(String(id))])
            try await refuse(
                claimed,
                decision,
                outcome: "impersonation_attempt",
                HTTPError(
                    status: 403,
                    code: "impersonation_attempt",
                    message: "the update names another node than the client certificate"
                )
            )
        }
        if envelope.round != id {
            try await refuse(
                claimed,
                decision,
                outcome: "round_mismatch",
                HTTPError(
                    status: 409,
                    code: "round_mismatch",
                    message: "the update was made for round \(envelope.round), not round \(id)"
                )
            )
        }
        if !decision.allowed && !open {
            // A retry of an update acknowledged before the round closed gets its receipt again
            // (the submission itself is still refused and logged as such; nothing is stored).
            let body = request.body
            let node = peer.name
            if let receipt = try await service.blocking({ try coordinator.existingReceipt(round: id, node: node, body: body) }) {
                try await recorder.record(peer, claimed, decision: decision, outcome: "receipt_resent", request: request)
                return try Self.receiptResponse(receipt)
            }
        }
        if !decision.allowed {
            metrics.increment("backline_policy_denials_total", [("action", "submit_update")])
            let error =
                open
                ? HTTPError(status: 403, code: "forbidden", message: "the federation policy does not allow this submission")
                : HTTPError(status: 409, code: "round_closed", message: "round \(id) no longer accepts updates")
            try await refuse(claimed, decision, forceDeny: false, outcome: open ? "denied" : "round_closed", error)
        }
        if let expected = envelope.modelSHA256 {
            let current = try await service.blocking { Hex.encode(try coordinator.latestModel().checksum) }
            if expected != current {
                try await refuse(
                    claimed,
                    decision,
                    outcome: "rejected:stale_model",
                    HTTPError(
                        status: 422,
                        code: "stale_model",
                        message: "the update was computed against another model version; fetch /v1/models/latest"
                    )
                )
            }
        }
        let validation = try await service.blocking { try coordinator.validate(envelope, in: round) }
        let update: ValidatedUpdate
        switch validation {
        case .success(let valid): update = valid
        case .failure(let rejection):
            try await refuse(
                claimed,
                decision,
                outcome: "rejected:\(rejection.reason.code)",
                HTTPError(
                    status: 422,
                    code: rejection.reason.code,
                    message: rejection.detail
                )
            )
        }
        let body = request.body
        let digest = SHA256.hash(body)
        try await recorder.record(peer, claimed, decision: decision, outcome: "accepted", request: request, bodyDigest: digest)
        let node = peer.name
        let receipt: UpdateReceipt
        do {
            receipt = try await service.blocking {
                try coordinator.store(update, body: body, digest: digest, round: id, node: node, now: now)
            }
        } catch let error as StoreError where error.code == .conflict {
            try await refuse(
                claimed,
                decision,
                outcome: "conflict",
                HTTPError(
                    status: 409,
                    code: "conflict",
                    message: "a different update from this node is already stored for round \(id)"
                )
            )
        } catch let error as StoreError where error.code == .roundClosed {
            try await refuse(
                claimed,
                decision,
                outcome: "round_closed",
                HTTPError(
                    status: 409,
                    code: "round_closed",
                    message: "round \(id) no longer accepts updates"
                )
            )
        }
        metrics.increment("backline_submissions_total")
        TestCrashPoint.reach(.acknowledge)
        if try coordinator.parameters(of: round).targetClients != nil {
            // Answer first; the close (claimed once across processes) runs beside the response.
            let service = service
            Task { await service.closeRoundsAtTarget() }
        }
        return try Self.receiptResponse(receipt)
    }

    /// `{receipt_id, round, node, digest}`.
    private static func receiptResponse(_ receipt: UpdateReceipt) throws -> HTTPResponse {
        struct Body: Encodable { let receipt_id: String, round: Int64, node: String, digest: String }
        return try .json(
            Body(receipt_id: receipt.receiptID, round: receipt.round, node: receipt.promoterID, digest: Hex.encode(receipt.digest))
        )
    }

    private func readUpdate(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let id = try Self.roundParameter(request)
        let owner = request.pathParameters["node"] ?? ""
        let coordinator = coordinator
        let open = try await service.blocking { try coordinator.round(id).map { RoundCoordinator.isAccepting($0, at: Date()) } ?? false }
        let subject = AuditRecorder.Subject(
            action: "read_update",
            resourceType: "update",
            owner: owner,
            roundIsOpen: open,
            resource: "update:\(Self.loggable(owner)):r\(id)",
            round: id
        )
        let decision = recorder.decide(peer, subject)
        // Raw per-node updates are never served, whatever the policy says (item 73): log a deny.
        try await recorder.record(
            spiffeID: peer.spiffeID,
            role: peer.role.rawValue,
            subject,
            allowed: false,
            ruleID: decision.allowed ? "raw_updates_never_served" : decision.ruleID,
            policySHA256: decision.policySHA256,
            outcome: "denied",
            requestDigest: AuditRecorder.digest(request)
        )
        metrics.increment("backline_policy_denials_total", [("action", "read_update")])
        throw HTTPError(status: 403, code: "raw_updates_never_served", message: "individual updates are never served")
    }

    // MARK: audit and ledger

    private func auditEntries(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        try await recorder.authorize(peer, .init(action: "read_audit", resourceType: "audit_log", resource: "audit_log"), request: request)
        let query = try QueryParameters(request.query)
        let filter = BacklineStore.AuditFilter(
            fromIndex: try query.integer("from", in: 0...Int64(Int32.max)),
            toIndex: try query.integer("to", in: 0...Int64(Int32.max)),
            actor: query["actor"],
            action: query["action"],
            round: try query.integer("round", in: 0...Int64(Int32.max)),
            limit: Int(try query.integer("limit", in: 1...1000) ?? 100)
        )
        let store = coordinator.store
        let records = try await service.blocking { try store.auditEntries(filter) }
        struct Line: Encodable { let index: Int64, leaf_hash: String, entry: AuditEntry }
        let lines = try records.map {
            Line(index: $0.index, leaf_hash: Hex.encode($0.leafHash), entry: try AuditEntry(canonicalBytes: $0.entry))
        }
        return try .json(lines)
    }

    private func auditCheckpoint(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        try await recorder.authorize(
            peer,
            .init(action: "read_audit", resourceType: "audit_log", resource: "audit_log:checkpoint"),
            request: request
        )
        let log = service.auditLog
        let note = try await service.blocking { () -> String? in
            // Sign a fresh checkpoint only when entries arrived since the latest one.
            let latest = try log.latestCheckpoint()
            let covered = try latest.map { try CheckpointReader(origin: log.origin, keys: [log.verifierKey]).read($0).size } ?? 0
            if covered < log.size { return try log.checkpoint() }
            return latest
        }
        guard let note else { throw HTTPError(status: 404, code: "no_checkpoint", message: "no checkpoint has been signed yet") }
        return .bytes(Array(note.utf8), contentType: "text/plain; charset=utf-8")
    }

    private func auditProof(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        try await recorder.authorize(
            peer,
            .init(action: "read_audit", resourceType: "audit_log", resource: "audit_log:proof"),
            request: request
        )
        let query = try QueryParameters(request.query)
        guard let index = try query.integer("index", in: 0...Int64(Int32.max)),
            let size = try query.integer("size", in: 1...Int64(Int32.max)),
            index < size, size <= Int64(service.auditLog.size)
        else { throw HTTPError(status: 400, code: "bad_query", message: "need 0 ≤ index < size ≤ the log size") }
        let log = service.auditLog
        let (proof, root) = try await service.blocking {
            (try log.inclusionProof(index: Int(index), treeSize: Int(size)), try log.root(size: Int(size)))
        }
        let leaf = try await service.blocking { try log.storage.leafData(from: Int(index), to: Int(index) + 1) }
        struct Body: Encodable { let index: Int64, size: Int64, leaf_hash: String, root: String, proof: [String] }
        return try .json(
            Body(
                index: index,
                size: size,
                leaf_hash: leaf.first.map { MerkleHasher.leafHash($0).hex } ?? "",
                root: root.hex,
                proof: proof.map(\.hex)
            )
        )
    }

    private func ledger(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let query = try QueryParameters(request.query)
        let promoter = query["promoter"]
        try await recorder.authorize(
            peer,
            .init(
                action: "read_ledger",
                resourceType: "ledger",
                owner: promoter ?? "all",
                resource: "ledger:\(Self.loggable(promoter ?? "all"))"
            ),
            request: request
        )
        let store = coordinator.store
        let entries = try await service.blocking { try store.withTransaction { try $0.ledgerEntries(promoterID: promoter) } }
        struct Line: Encodable {
            let id: Int64, promoter: String, round: Int64?, query: String?, mechanism: String, parameters: String
            let epsilon: Double, delta: Double, recorded_at: String
        }
        let formatter = ISO8601DateFormatter()
        return try .json(
            entries.map {
                Line(
                    id: $0.id,
                    promoter: $0.promoterID,
                    round: $0.round,
                    query: $0.query,
                    mechanism: $0.mechanism,
                    parameters: $0.parametersJSON,
                    epsilon: $0.epsilon,
                    delta: $0.delta,
                    recorded_at: formatter.string(from: $0.recordedAt)
                )
            }
        )
    }

    // MARK: helpers

    static func roundParameter(_ request: HTTPRequest) throws -> Int64 {
        guard let id = Int64(request.pathParameters["round"] ?? ""), id > 0, id <= Int64(Int32.max) else {
            throw HTTPError(status: 400, code: "bad_round", message: "round must be a positive integer")
        }
        return id
    }

    /// Caller-supplied text made safe for an audit field (≤ 63 bytes of a-z 0-9 . - _).
    static func loggable(_ text: String) -> String {
        let safe = text.prefix(63).map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }
        return safe.isEmpty ? "_" : String(safe)
    }
}
