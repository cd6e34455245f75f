import BacklineCore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

/// The client's retry policy and its behaviour against a busy server.
@Suite struct HTTPClientTests {
    @Test func backoffIsJitteredAndBounded() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .milliseconds(350))
        var generator = SeededGenerator(seed: 3)
        for retry in 1...6 {
            let ceiling = min(Duration.milliseconds(350), .milliseconds(100) * (1 << (retry - 1)))
            let delays = (0..<200).map { _ in policy.delay(beforeRetry: retry, using: &generator) }
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= ceiling })
            #expect(Set(delays).count > 150, "delays are not jittered")
        }
    }

    @Test func onlyNetworkTroubleIsRetried() {
        #expect(RetryPolicy.isTransient(TransportError.timeout("read")))
        #expect(RetryPolicy.isTransient(TransportError.connectionClosed("read")))
        #expect(!RetryPolicy.isTransient(TransportError.peerRejected("wrong server")))
        #expect(!RetryPolicy.isTransient(TransportError(code: .handshakeFailed, reason: "alert 44")))
    }

    @Test func idempotentRequestsAreRetriedPastA503ButPostsAreNot() throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = 1
        let fixture = try TransportFixture(serverConfiguration: configuration)
        let holder = try fixture.rawConnection()
        #expect(try holder.send(HTTPRequest(method: "GET", path: "/v1/whoami")).status == 200)

        var clientConfiguration = HTTPClientConfiguration.make(port: fixture.port)
        clientConfiguration.retry = RetryPolicy(maxAttempts: 8, baseDelay: .milliseconds(100), maxDelay: .milliseconds(400))
        let client = try HTTPClient(
            configuration: clientConfiguration,
            tls: try .makeClient(pki: fixture.pki, role: .promoter, name: "p1", server: "main"),
            logger: Logger(label: "test-client", minimumLevel: .error) { _ in }
        )
        #expect(try client.perform(HTTPRequest(method: "POST", path: "/v1/count")).status == 503)
        #expect(fixture.executions.withLock { $0 } == 0)

        let releaser = Thread {
            usleep(300_000)
            holder.close()
        }
        releaser.start()
        let started = Date()
        let response = try client.perform(HTTPRequest(method: "GET", path: "/v1/whoami"))
        #expect(response.status == 200)
        #expect(Date().timeIntervalSince(started) >= 0.2)
    }

    @Test func clientGivesUpAtItsRequestTimeout() throws {
        let fixture = try TransportFixture { router in
            router.add("GET", "/v1/stall") { _, _ in
                try await Task.sleep(for: .seconds(2))
                return .bytes([])
            }
        }
        var configuration = HTTPClientConfiguration.make(port: fixture.port)
        configuration.requestTimeout = .milliseconds(300)
        configuration.retry = RetryPolicy(maxAttempts: 1)
        let client = try HTTPClient(
            configuration: configuration,
            tls: try .makeClient(pki: fixture.pki, role: .promoter, name: "p1", server: "main"),
            logger: Logger(label: "test-client", minimumLevel: .error) { _ in }
        )
        let started = Date()
        #expect {
            _ = try client.perform(HTTPRequest(method: "GET", path: "/v1/stall"))
        } throws: { error in
            (error as? TransportError)?.code == .timeout
        }
        #expect(Date().timeIntervalSince(started) < 1.5)
    }

    @Test func reusesItsConnection() throws {
        let fixture = try TransportFixture()
        let client = try fixture.client()
        for _ in 0..<5 { #expect(try client.perform(HTTPRequest(method: "GET", path: "/v1/whoami")).status == 200) }
        #expect(fixture.log.components(separatedBy: "peer authenticated").count - 1 == 1, "\(fixture.log)")
    }

    @Test func asyncSendWorks() async throws {
        let fixture = try TransportFixture()
        let response = try await fixture.client().send(HTTPRequest(method: "POST", path: "/v1/echo", body: Array("hello".utf8)))
        #expect(response.body == Array("hello".utf8))
    }
}
