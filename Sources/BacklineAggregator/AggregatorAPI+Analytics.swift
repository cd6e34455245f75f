import BacklineAnalytics
import BacklineCore
import BacklineCrypto
import BacklinePolicy
import BacklineStore
import BacklineTransport
import Foundation

/// Federated analytics over the API: an operator opens a query, each promoter submits its own
/// noised histogram once, the aggregator sums them when the query closes (deadline, every expected
/// promoter answered, or the operator) and publishes the sum. Every request is decided by the
/// policy and audited first, like the round routes. A query past its deadline is closed by the
/// first request that touches it (the aggregator's own `publish_result` entry is audited).
///
/// | method, path | who (policy action) | answer |
/// |---|---|---|
/// | `POST /v1/analytics/queries` | operator (`manage_query`) | body `{"query": NAME or definition, "epsilon", "delta", "min_contributors" (≥ 3), "deadline_seconds", "expected": [names]?}`; 201 the query; 422 `invalid_query` |
/// | `GET /v1/analytics/queries/current`, `GET /v1/analytics/queries/{q}` | promoter, auditor, operator (`read_query`) | query_id, state, query, epsilon, delta, noise_multiplier, noise_std, min_contributors, deadline, accepting, submitted, failure_reason; 404 `no_query` / `query_not_found` |
/// | `POST /v1/analytics/queries/{q}/histograms` | promoter, own histogram, query open (`submit_histogram`) | body `{"query_id", "node", "epsilon", "delta", "noise_multiplier", "histogram"}`; 200 receipt `{receipt_id, query_id, node, digest}`, same bytes → same receipt; 403 `impersonation_attempt`, 409 `query_mismatch` / `query_closed` / `conflict`, 400 `malformed_histogram`, 413, 422 `shape` / `non_finite` / `privacy` |
/// | `GET /v1/analytics/queries/{q}/histograms/{node}` | nobody: node histograms are never served | 403 `raw_histograms_never_served`, audited |
/// | `POST /v1/analytics/queries/{q}/close` | operator (`manage_query`) | sums once (fewer than min_contributors → failed, nothing published); the query; 409 `already_closed` |
/// | `GET /v1/analytics/queries/{q}/result` | promoter, auditor, operator (`read_result`) | the published sums (suppressed cells withheld); 404 `no_result` (failed), 409 `query_open` |
extension AggregatorAPI {
    private var analytics: AnalyticsCoordinator { AnalyticsCoordinator(store: service.coordinator.store) }

    // MARK: queries

    private struct OpenBody: Decodable {
        let query: AnalyticsQuery
        let epsilon: Double
        let delta: Double
        let minContributors: Int64
        let deadlineSeconds: Int
        let expected: [String]?

        enum CodingKeys: String, CodingKey {
            case query, epsilon, delta, expected
            case minContributors = "min_contributors"
            case deadlineSeconds = "deadline_seconds"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let name = try? container.decode(String.self, forKey: .query) {
                query = try AnalyticsQuery.builtIn(named: name)
            } else {
                query = try container.decode(AnalyticsQuery.self, forKey: .query)
            }
            epsilon = try container.decode(Double.self, forKey: .epsilon)
            delta = try container.decodeIfPresent(Double.self, forKey: .delta) ?? 1e-5
            minContributors = try container.decodeIfPresent(Int64.self, forKey: .minContributors) ?? 3
            deadlineSeconds = try container.decodeIfPresent(Int.self, forKey: .deadlineSeconds) ?? 3600
            expected = try container.decodeIfPresent([String].self, forKey: .expected)
        }
    }

    func openAnalyticsQuery(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        try await service.recorder.authorize(
            peer,
            .init(action: "manage_query", resourceType: "analytics_query", resource: "analytics:new"),
            request: request
        )
        let body: OpenBody
        let parameters: AnalyticsQueryParameters
        do {
            body = try JSONDecoder().decode(OpenBody.self, from: Data(request.body))
            parameters = try AnalyticsQueryParameters(
                query: body.query,
                epsilon: body.epsilon,
                delta: body.delta,
                expected: body.expected ?? []
            )
        } catch let error as BacklineError<AnalyticsErrorDomain> {
            throw HTTPError(status: 422, code: "invalid_query", message: error.reason)
        } catch let error as AggregatorError {
            throw HTTPError(status: 422, code: "invalid_query", message: error.reason)
        } catch {
            throw HTTPError(
                status: 422,
                code: "invalid_query",
                message: "body must be {query, epsilon, delta, min_contributors, deadline_seconds}"
            )
        }
        guard (3...100_000).contains(body.minContributors), (1...7 * 86_400).contains(body.deadlineSeconds) else {
            throw HTTPError(status: 422, code: "invalid_query", message: "min_contributors must be 3…100000 and deadline_seconds 1…604800")
        }
        let analytics = analytics
        let now = Date()
        let record = try await service.blocking {
            try analytics.open(
                parameters,
                minContributors: body.minContributors,
                deadline: now.addingTimeInterval(Double(body.deadlineSeconds)),
                now: now
            )
        }
        service.metrics.increment("backline_analytics_queries_total", [("event", "opened")])
        return try .json(try await queryView(record), status: 201)
    }

    func currentAnalyticsQuery(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let analytics = analytics
        let latest = try await service.blocking { try analytics.latestQuery() }
        try await service.recorder.authorize(
            peer,
            .init(action: "read_query", resourceType: "analytics_query", resource: "analytics:\(latest.map { String($0.id) } ?? "none")"),
            request: request
        )
        guard let latest else { throw HTTPError(status: 404, code: "no_query", message: "no analytics query has been opened yet") }
        return try .json(try await queryView(try await settle(latest)))
    }

    func analyticsQuery(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let id = try Self.queryParameter(request)
        try await service.recorder.authorize(
            peer,
            .init(action: "read_query", resourceType: "analytics_query", resource: "analytics:\(id)"),
            request: request
        )
        return try .json(try await queryView(try await settle(try await existingQuery(id))))
    }

    func closeAnalyticsQuery(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let id = try Self.queryParameter(request)
        try await service.recorder.authorize(
            peer,
            .init(action: "manage_query", resourceType: "analytics_query", resource: "analytics:\(id)"),
            request: request
        )
        let record = try await existingQuery(id)
        guard let closed = try await close(record.id) else {
            throw HTTPError(
                status: 409,
                code: "already_closed",
                message: "analytics query \(id) is \(record.state.rawValue); it is summed once"
            )
        }
        return try .json(try await queryView(closed))
    }

    func analyticsResult(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let id = try Self.queryParameter(request)
        try await service.recorder.authorize(
            peer,
            .init(action: "read_result", resourceType: "analytics_result", resource: "analytics:\(id):result"),
            request: request
        )
        let record = try await settle(try await existingQuery(id))
        let analytics = analytics
        switch record.state {
        case .published:
            guard let result = try analytics.result(of: record) else {
                throw HTTPError(status: 500, code: "internal", message: "the published result is missing")
            }
            return try .json(result)
        case .failed:
            throw HTTPError(
                status: 404,
                code: "no_result",
                message: "analytics query \(id) published nothing: \(record.failureReason ?? "failed")"
            )
        case .open, .closing:
            throw HTTPError(status: 409, code: "query_open", message: "analytics query \(id) has not been summed yet")
        }
    }

    // MARK: histograms

    func submitHistogram(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let id = try Self.queryParameter(request)
        let analytics = analytics
        let recorder = service.recorder
        let now = Date()
        func subject(owner: String, open: Bool) -> AuditRecorder.Subject {
            .init(
                action: "submit_histogram",
                resourceType: "histogram",
                owner: owner,
                roundIsOpen: open,
                resource: "histogram:\(Self.loggable(owner)):q\(id)"
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
            service.metrics.increment("backline_rejections_total", [("reason", error.code)])
            throw error
        }
        guard let record = try await service.blocking({ try analytics.query(id) }) else {
            let s = subject(owner: peer.name, open: false)
            try await refuse(
                s,
                recorder.decide(peer, s),
                outcome: "query_not_found",
                HTTPError(status: 404, code: "query_not_found", message: "analytics query \(id) does not exist")
            )
        }
        let open = AnalyticsCoordinator.isAccepting(record, at: now)
        let envelope: AnalyticsHistogramEnvelope
        do { envelope = try AnalyticsHistogramEnvelope(decoding: request.body) } catch {
            let s = subject(owner: peer.name, open: open)
            try await refuse(
                s,
                recorder.decide(peer, s),
                outcome: "rejected:\(error.code)",
                HTTPError(status: error.status, code: error.code, message: error.detail)
            )
        }
        let claimed = subject(owner: envelope.node, open: open)
        let decision = recorder.decide(peer, claimed)
        if envelope.node != peer.name {
            service.logger.warning("impersonation attempt", ["caller": .public(peer.spiffeID), "analytics_query": .public(String(id))])
            try await refuse(
                claimed,
                decision,
                outcome: "impersonation_attempt",
                HTTPError(
                    status: 403,
                    code: "impersonation_attempt",
                    message: "the histogram names another node than the client certificate"
                )
            )
        }
        if envelope.queryID != id {
            try await refuse(
                claimed,
                decision,
                outcome: "query_mismatch",
                HTTPError(
                    status: 409,
                    code: "query_mismatch",
                    message: "the histogram was made for query \(envelope.queryID), not query \(id)"
                )
            )
        }
        // Once per node: the same bytes get the same receipt (also after closing); other bytes are refused.
        let node = peer.name
        let digest = Hex.encode(SHA256.hash(request.body))
        if let existing = try await service.blocking({ try analytics.store.withTransaction { try $0.analyticsHistograms(query: id) } })
            .first(where: { $0.promoterID == node })
        {
            guard Hex.encode(existing.digest) == digest else {
                try await refuse(
                    claimed,
                    decision,
                    outcome: "conflict",
                    HTTPError(
                        status: 409,
                        code: "conflict",
                        message: "a different histogram from this node is already stored for query \(id)"
                    )
                )
            }
            try await recorder.record(peer, claimed, decision: decision, outcome: "receipt_resent", request: request)
            return try Self.histogramReceipt(existing)
        }
        if !decision.allowed {
            service.metrics.increment("backline_policy_denials_total", [("action", "submit_histogram")])
            let error =
                open
                ? HTTPError(status: 403, code: "forbidden", message: "the federation policy does not allow this submission")
                : HTTPError(status: 409, code: "query_closed", message: "analytics query \(id) no longer accepts histograms")
            try await refuse(claimed, decision, forceDeny: false, outcome: open ? "denied" : "query_closed", error)
        }
        let parameters = try analytics.parameters(of: record)
        if let rejection = envelope.validate(against: parameters) {
            try await refuse(
                claimed,
                decision,
                outcome: "rejected:\(rejection.code)",
                HTTPError(
                    status: rejection.status,
                    code: rejection.code,
                    message: rejection.detail
                )
            )
        }
        try await recorder.record(peer, claimed, decision: decision, outcome: "accepted", request: request)
        let body = request.body
        let stored: AnalyticsHistogramRecord
        do {
            stored = try await service.blocking { try analytics.submit(body, envelope: envelope, query: record, now: now) }.record
        } catch let error as StoreError where error.code == .conflict {
            try await refuse(
                claimed,
                decision,
                outcome: "conflict",
                HTTPError(
                    status: 409,
                    code: "conflict",
                    message: "a different histogram from this node is already stored for query \(id)"
                )
            )
        } catch let error as StoreError where error.code == .roundClosed {
            try await refuse(
                claimed,
                decision,
                outcome: "query_closed",
                HTTPError(
                    status: 409,
                    code: "query_closed",
                    message: "analytics query \(id) no longer accepts histograms"
                )
            )
        }
        service.metrics.increment("backline_analytics_histograms_total")
        let expected = Set(parameters.expected)
        if !expected.isEmpty, expected.isSubset(of: Set(try await service.blocking { try analytics.contributors(id) })) {
            _ = try? await close(id)
        }
        return try Self.histogramReceipt(stored)
    }

    func readHistogram(_ request: HTTPRequest, _ peer: PeerIdentity) async throws -> HTTPResponse {
        let id = try Self.queryParameter(request)
        let owner = request.pathParameters["node"] ?? ""
        let analytics = analytics
        let open = try await service.blocking { try analytics.query(id).map { AnalyticsCoordinator.isAccepting($0, at: Date()) } ?? false }
        let subject = AuditRecorder.Subject(
            action: "read_histogram",
            resourceType: "histogram",
            owner: owner,
            roundIsOpen: open,
            resource: "histogram:\(Self.loggable(owner)):q\(id)"
        )
        let decision = service.recorder.decide(peer, subject)
        // A node's histogram is never served, whatever the policy says: log a deny.
        try await service.recorder.record(
            spiffeID: peer.spiffeID,
            role: peer.role.rawValue,
            subject,
            allowed: false,
            ruleID: decision.allowed ? "raw_histograms_never_served" : decision.ruleID,
            policySHA256: decision.policySHA256,
            outcome: "denied",
            requestDigest: AuditRecorder.digest(request)
        )
        service.metrics.increment("backline_policy_denials_total", [("action", "read_histogram")])
        throw HTTPError(status: 403, code: "raw_histograms_never_served", message: "a node's histogram is never served; read the result")
    }

    // MARK: closing

    /// Sums and publishes every analytics query whose deadline has passed (or whose closer stopped),
    /// oldest first, without waiting for a request to touch it (the service's clock loop calls this
    /// every second). A query that fails to close is logged and retried on the next tick; the others
    /// are still closed.
    func closeDueAnalyticsQueries() async {
        let analytics = analytics
        let due: [AnalyticsQueryRecord]
        do { due = try await service.blocking { try analytics.dueQueries(at: Date()) } } catch {
            service.logger.warning("listing due analytics queries failed", ["error": .public(String(describing: error))])
            return
        }
        for record in due {
            do { _ = try await settle(record) } catch {
                service.logger.warning(
                    "closing a due analytics query failed",
                    ["query": .public(String(record.id)), "error": .public(String(describing: error))]
                )
            }
        }
    }

    /// Closes `record` first if it is due (past its deadline, or its closer stopped); the record as it now is.
    private func settle(_ record: AnalyticsQueryRecord) async throws -> AnalyticsQueryRecord {
        guard AnalyticsCoordinator.isDue(record, at: Date()) else { return record }
        if let closed = try await close(record.id) { return closed }
        return try await existingQuery(record.id)
    }

    /// Claims, sums, audits (the aggregator's `publish_result`, fail closed) and commits query `id`
    /// exactly once; nil if it was not open (or stale) to claim.
    private func close(_ id: Int64) async throws -> AnalyticsQueryRecord? {
        let analytics = analytics
        guard try await service.blocking({ try analytics.claim(id) }) else { return nil }
        do {
            let summary = try await service.blocking { try analytics.summarise(id) }
            let identity = service.identity
            let subject = AuditRecorder.Subject(
                action: "publish_result",
                resourceType: "analytics_result",
                resource: "analytics:\(id):result"
            )
            let decision = service.policy.evaluate(
                PolicyRequest(
                    role: identity.role.rawValue,
                    subject: identity.name,
                    action: subject.action,
                    resourceType: subject.resourceType
                )
            )
            guard decision.allowed else {
                throw HTTPError(status: 503, code: "unavailable", message: "the policy does not let the aggregator publish results")
            }
            try await service.recorder.record(
                spiffeID: identity.spiffeID,
                role: identity.role.rawValue,
                subject,
                allowed: true,
                ruleID: decision.ruleID,
                policySHA256: decision.policySHA256,
                outcome: summary.result == nil ? "query_failed" : "published",
                requestDigest: ""
            )
            let finished = try await service.blocking { try analytics.finish(id, summary) }
            service.metrics.increment("backline_analytics_queries_total", [("event", finished.state.rawValue)])
            if let reason = finished.failureReason {
                service.logger.warning(
                    "analytics query failed; nothing published",
                    ["query": .public(String(id)), "reason": .public(reason)]
                )
            }
            return finished
        } catch {
            try? await service.blocking { try analytics.release(id) }
            throw error
        }
    }

    // MARK: helpers

    private func existingQuery(_ id: Int64) async throws -> AnalyticsQueryRecord {
        let analytics = analytics
        guard let record = try await service.blocking({ try analytics.query(id) }) else {
            throw HTTPError(status: 404, code: "query_not_found", message: "analytics query \(id) does not exist")
        }
        return record
    }

    private struct QueryView: Encodable {
        let query_id: Int64, state: String, query: AnalyticsQuery, epsilon: Double, delta: Double
        let noise_multiplier: Double, noise_std: Double, min_contributors: Int64, deadline: String, accepting: Bool
        let submitted: Int, failure_reason: String?
    }

    private func queryView(_ record: AnalyticsQueryRecord) async throws -> QueryView {
        let analytics = analytics
        let parameters = try analytics.parameters(of: record)
        let submitted = try await service.blocking { try analytics.contributors(record.id).count }
        return QueryView(
            query_id: record.id,
            state: record.state.rawValue,
            query: parameters.query,
            epsilon: parameters.epsilon,
            delta: parameters.delta,
            noise_multiplier: parameters.noiseMultiplier,
            noise_std: parameters.noiseStandardDeviation,
            min_contributors: record.minContributors,
            deadline: ISO8601DateFormatter().string(from: record.deadline),
            accepting: AnalyticsCoordinator.isAccepting(record, at: Date()),
            submitted: submitted,
            failure_reason: record.failureReason
        )
    }

    /// `{receipt_id, query_id, node, digest}`.
    private static func histogramReceipt(_ record: AnalyticsHistogramRecord) throws -> HTTPResponse {
        struct Body: Encodable { let receipt_id: String, query_id: Int64, node: String, digest: String }
        return try .json(
            Body(receipt_id: record.receiptID, query_id: record.queryID, node: record.promoterID, digest: Hex.encode(record.digest))
        )
    }

    static func queryParameter(_ request: HTTPRequest) throws -> Int64 {
        guard let id = Int64(request.pathParameters["query"] ?? ""), id > 0, id <= Int64(Int32.max) else {
            throw HTTPError(status: 400, code: "bad_query_id", message: "query id must be a positive integer")
        }
        return id
    }
}
