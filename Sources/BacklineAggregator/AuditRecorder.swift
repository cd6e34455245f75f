import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklinePolicy
import BacklineTransport
import Foundation

/// Evaluates the policy for a request and writes the audit entry before anything else happens:
/// if the append fails the request is answered 503 and the action is not performed (fail closed,
/// item 47); a deny is logged and answered 403.
struct AuditRecorder: Sendable {
    let log: AuditLog
    let policy: PolicyEngine
    let metrics: AggregatorMetrics
    let logger: Logger
    let executor: BlockingExecutor

    /// What a request asks for, in policy and audit terms.
    struct Subject: Sendable {
        var action: String
        var resourceType: String
        var owner: String?
        var roundIsOpen: Bool?
        /// The audit resource text, e.g. `update:p1:r7`.
        var resource: String
        var round: Int64?
    }

    /// The policy's decision on `subject` for `peer`.
    func decide(_ peer: PeerIdentity, _ subject: Subject) -> PolicyDecision {
        policy.evaluate(
            PolicyRequest(
                role: peer.role.rawValue,
                subject: peer.name,
                action: subject.action,
                resourceType: subject.resourceType,
                owner: subject.owner,
                roundIsOpen: subject.roundIsOpen
            )
        )
    }

    /// Decides, logs the decision durably, and throws 403 on deny (503 if logging failed).
    @discardableResult
    func authorize(_ peer: PeerIdentity, _ subject: Subject, request: HTTPRequest) async throws -> PolicyDecision {
        let decision = decide(peer, subject)
        try await record(peer, subject, decision: decision, outcome: decision.allowed ? "allowed" : "denied", request: request)
        guard decision.allowed else {
            metrics.increment("backline_policy_denials_total", [("action", subject.action)])
            throw HTTPError(status: 403, code: "forbidden", message: "the federation policy does not allow \(subject.action) here")
        }
        return decision
    }

    /// Appends one entry (decision as given) durably, or throws 503 `audit_unavailable`.
    /// `bodyDigest`, when given, is the SHA-256 of the request's body already computed by the
    /// caller (a 4.5 MB update is hashed once).
    func record(
        _ peer: PeerIdentity,
        _ subject: Subject,
        decision: PolicyDecision,
        outcome: String,
        request: HTTPRequest?,
        bodyDigest: [UInt8]? = nil
    ) async throws {
        try await record(
            spiffeID: peer.spiffeID,
            role: peer.role.rawValue,
            subject,
            allowed: decision.allowed,
            ruleID: decision.ruleID,
            policySHA256: decision.policySHA256,
            outcome: outcome,
            requestDigest: request.map { Self.digest($0, bodyDigest: bodyDigest) } ?? ""
        )
    }

    /// Appends one entry from explicit fields, or throws 503 `audit_unavailable`.
    func record(
        spiffeID: String,
        role: String,
        _ subject: Subject,
        allowed: Bool,
        ruleID: String,
        policySHA256: String,
        outcome: String,
        requestDigest: String
    ) async throws {
        do {
            let entry = try AuditEntry(
                spiffeID: spiffeID,
                role: role,
                action: subject.action,
                resource: subject.resource,
                round: subject.round.map { Int($0) },
                decision: allowed ? .allow : .deny,
                ruleID: ruleID,
                policySHA256: policySHA256,
                requestDigest: requestDigest,
                outcome: outcome
            )
            let log = log
            _ = try await executor.run { try log.append(entry) }
        } catch {
            metrics.increment("backline_audit_failures_total")
            logger.error(
                "audit append failed; refusing the action",
                ["action": .public(subject.action), "error": .public(String(describing: error))]
            )
            throw HTTPError(status: 503, code: "audit_unavailable", message: "the audit log cannot be written; nothing was done")
        }
    }

    /// SHA-256 (hex) of `METHOD target\n` followed by the hex SHA-256 of the body.
    /// `bodyDigest` is the body's SHA-256 when the caller has it already.
    static func digest(_ request: HTTPRequest, bodyDigest: [UInt8]? = nil) -> String {
        let body = bodyDigest ?? SHA256.hash(request.body)
        return Hex.encode(SHA256.hash(Array("\(request.method) \(request.target)\n\(Hex.encode(body))".utf8)))
    }
}
