import BacklineAggregator
import BacklineCore
import BacklineFederation
import BacklineModel
import BacklineNode
import BacklinePrivacy
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Synchronization

/// Nodes of a ``NodeFederationFixture`` that reach the aggregator through a ``FaultProxy``.
extension NodeFederationFixture {
    /// A proxy in front of the aggregator with `schedule`, logging each fault to standard error.
    func proxy(_ schedule: FaultProxy.Schedule) throws -> FaultProxy {
        try FaultProxy(upstreamPort: service.port, schedule: schedule)
    }

    /// A round client for promoter number `index` connecting to `port` (a proxy), with its own
    /// journal, `retry` for idempotent requests and `idleConnections` kept for reuse (0: a new
    /// TCP connection for every request, so each request gets its own fault).
    func roundClient(_ index: Int, through port: UInt16, retry: RetryPolicy, idleConnections: Int = 0) throws -> RoundClient<SeededNoise> {
        let name = Self.promoters[index]
        var configuration = HTTPClientConfiguration.make(port: port)
        configuration.retry = retry
        configuration.maxIdleConnections = idleConnections
        configuration.requestTimeout = .seconds(15)
        let http = try HTTPClient(
            configuration: configuration,
            tls: try .makeClient(pki: pki, role: .promoter, name: name, server: "main"),
            logger: Logger(label: "fault-test-\(name)", minimumLevel: .error) { _ in }
        )
        return try roundClient(index, journal: MemoryJournal(), http: http)
    }

    /// Opens a round with `body` (JSON overrides such as `{"deadline_seconds": 3}`) as the operator.
    func openRound(body: String) async throws -> Int64 {
        let request = HTTPRequest(
            method: "POST",
            path: "/v1/rounds",
            headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: Array(body.utf8)
        )
        let response = try await client(.operator, "ops").send(request, idempotent: false)
        struct Round: Decodable { let round: Int64 }
        guard response.status == 201 else { throw NodeError.refused("POST /v1/rounds", status: response.status, code: "open") }
        return try response.decodeJSON(Round.self).round
    }
}

extension RoundClient {
    /// Calls ``participate()`` until the update is acknowledged, retrying transport failures up to
    /// `calls` times, as a node's run loop does.
    func participateUntilAcknowledged(calls: Int = 10) async throws -> SubmissionReceipt {
        var last: (any Error)?
        for _ in 0..<calls {
            do {
                switch try await participate() {
                case .submitted(let receipt), .alreadySubmitted(let receipt): return receipt
                case let other: throw NodeError.protocolViolation("participate", "unexpected outcome \(other)")
                }
            } catch  where RetryPolicy.isTransient(error) {
                last = error
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        throw last ?? NodeError.protocolViolation("participate", "no attempt made")
    }
}
