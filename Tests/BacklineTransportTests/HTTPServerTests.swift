import BacklineCore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

/// The HTTPS server under hostile or heavy HTTP: every case is answered or refused cleanly and
/// the server keeps serving.
@Suite struct HTTPServerTests {
    private func stillServes(_ fixture: TransportFixture) throws {
        let response = try fixture.client().perform(HTTPRequest(method: "GET", path: "/v1/whoami"))
        #expect(response.status == 200)
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", "400", "bad_request_line"),
        ("GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", "400", "bad_header_name"),
        (
            "GET /v1/whoami HTTP/1.1\r\nHost: a\r\n"
                + String(repeating: "X-Pad: " + String(repeating: "p", count: 1000) + "\r\n", count: 20) + "\r\n", "431",
            "headers_too_large"
        ),
        ("GET /v1/whoami HTTP/1.1\r\nHost: a\r\n" + (0..<70).map { "X-\($0): v\r\n" }.joined() + "\r\n", "431", "too_many_headers"),
        ("POST /v1/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999\r\n\r\n", "413", "body_too_large"),
        ("POST /v1/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "400", "ambiguous_length"),
        ("GET /nowhere HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "404", "not_found"),
        ("DELETE /v1/whoami HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "405", "method_not_allowed"),
    ])
    func refusesBadRequestsWithJSONCodes(request: String, status: String, code: String) throws {
        let fixture = try TransportFixture()
        let result = try fixture.sClient(credentials: fixture.promoter, request: request)
        #expect(result.standardOutput.contains("HTTP/1.1 \(status) "), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("\"code\":\"\(code)\""))
        try stillServes(fixture)
    }

    @Test func oversizedUploadGets413NotAReset() throws {
        let fixture = try TransportFixture()
        let connection = try fixture.rawConnection()
        let response = try connection.send(HTTPRequest(method: "POST", path: "/v1/echo", body: [UInt8](repeating: 7, count: 9 << 20)))
        #expect(response.status == 413)
        #expect(String(decoding: response.body, as: UTF8.self).contains("\"code\":\"body_too_large\""))
        try stillServes(fixture)
    }

    @Test func answersPipelinedRequestsInOrder() throws {
        let fixture = try TransportFixture()
        let one = "POST /v1/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nfirst"
        let two = "POST /v1/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecond"
        let result = try fixture.sClient(credentials: fixture.promoter, request: one + two)
        let output = result.standardOutput
        let first = try #require(output.range(of: "first"))
        let second = try #require(output.range(of: "second"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(output.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
    }

    @Test func survivesAClientThatStopsMidBody() throws {
        let fixture = try TransportFixture()
        let partial = "POST /v1/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\nonly a little"
        _ = try fixture.sClient(credentials: fixture.promoter, request: partial, waitForServerClose: false)
        #expect(fixture.logEventually(contains: "client closed mid-request"))
        try stillServes(fixture)
    }

    @Test func slowlorisIsCutOffAtTheRequestDeadline() throws {
        var configuration = HTTPServerConfiguration()
        configuration.requestTimeout = .seconds(1)
        let fixture = try TransportFixture(serverConfiguration: configuration)
        let started = Date()
        let result = try fixture.sClient(credentials: fixture.promoter, request: "GET /v1/whoami HTTP/1.1\r\nHost: a\r\nX-Slow: ")
        #expect(result.standardOutput.contains("HTTP/1.1 408 "), "\(result.combined)")
        #expect(Date().timeIntervalSince(started) < 8)
        try stillServes(fixture)
    }

    /// A body that stops arriving is cut off at the request deadline too (the in-place body read).
    @Test func stalledBodyIsCutOffAtTheRequestDeadline() throws {
        var configuration = HTTPServerConfiguration()
        configuration.requestTimeout = .seconds(1)
        let fixture = try TransportFixture(serverConfiguration: configuration)
        let started = Date()
        let partial = "POST /v1/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" + String(repeating: "b", count: 70_000)
        let result = try fixture.sClient(credentials: fixture.promoter, request: partial)
        #expect(result.standardOutput.contains("HTTP/1.1 408 "), "\(result.combined.prefix(2000))")
        #expect(Date().timeIntervalSince(started) < 8)
        try stillServes(fixture)
    }

    @Test func servesTwoHundredConcurrentConnections() throws {
        let fixture = try TransportFixture()
        let context = try TLSClientContext(
            configuration: try .makeClient(pki: fixture.pki, role: .promoter, name: "p1", server: "main"),
            logger: Logger(label: "test", minimumLevel: .error) { _ in }
        )
        let connections = try (0..<200).map { _ in try HTTPClientConnection(host: "127.0.0.1", port: fixture.port, tls: context) }
        let peak = fixture.server.activeConnections
        let statuses = LockedBox<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in stride(from: worker, to: connections.count, by: 8) {
                let status = (try? connections[index].send(HTTPRequest(method: "GET", path: "/v1/whoami")).status) ?? -1
                statuses.withLock { $0.append(status) }
            }
        }
        #expect(peak >= 195, "server saw \(peak) connections at once")
        #expect(statuses.withLock { $0 }.count == 200)
        #expect(statuses.withLock { $0 }.allSatisfy { $0 == 200 })
        for connection in connections { connection.close() }
    }

    @Test func refusesConnectionsBeyondTheLimitWith503() throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = 2
        let fixture = try TransportFixture(serverConfiguration: configuration)
        let held = try (0..<2).map { _ in try fixture.rawConnection() }
        for connection in held { #expect(try connection.send(HTTPRequest(method: "GET", path: "/v1/whoami")).status == 200) }
        let refused = try fixture.rawConnection().send(HTTPRequest(method: "GET", path: "/v1/whoami"))
        #expect(refused.status == 503)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("\"code\":\"busy\""))
        for connection in held { connection.close() }
        var served = false
        for _ in 0..<50 where !served {
            served = (try? fixture.rawConnection().send(HTTPRequest(method: "GET", path: "/v1/whoami")).status) == 200
            if !served { usleep(50_000) }
        }
        #expect(served)
    }

    @Test func echoesLargeBodiesOnAReusedConnectionAndAcceptsChunkedUploads() throws {
        let fixture = try TransportFixture()
        let connection = try fixture.rawConnection()
        var generator = SeededGenerator(seed: 7)
        let body = (0..<4_500_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for _ in 0..<2 {
            let response = try connection.send(HTTPRequest(method: "POST", path: "/v1/echo", body: body))
            #expect(response.status == 200)
            #expect(response.body == body)
            #expect(connection.isReusable)
        }
        let file = fixture.directory.file("body.bin")
        try Data(body).write(to: URL(fileURLWithPath: file))
        let curl = try fixture.curl(
            "/v1/echo",
            credentials: fixture.promoter,
            extra: ["-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, "-o", fixture.directory.file("out.bin")]
        )
        #expect(curl.status == 0, "\(curl.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("out.bin"))) == Data(body))
    }

    @Test func hangupSignalForcesACredentialReload() throws {
        let fixture = try TransportFixture()
        fixture.server.reloadOnHangupSignal()
        let loads = { fixture.log.components(separatedBy: "TLS credentials loaded").count - 1 }
        try stillServes(fixture)
        let before = loads()
        kill(getpid(), SIGHUP)
        #expect(fixture.logEventually(contains: "SIGHUP: reloading TLS credentials"))
        try stillServes(fixture)
        #expect(loads() == before + 1)
    }

    @Test func gracefulShutdownFinishesInFlightRequests() throws {
        let fixture = try TransportFixture { router in
            router.add("GET", "/v1/slow") { _, _ in
                try await Task.sleep(for: .milliseconds(600))
                return .bytes(Array("done".utf8))
            }
        }
        let connection = try fixture.rawConnection()
        let result = LockedBox<Int?>(nil)
        let thread = Thread {
            let status = (try? connection.send(HTTPRequest(method: "GET", path: "/v1/slow")))?.status
            result.withLock { $0 = status ?? -1 }
        }
        thread.start()
        usleep(200_000)
        fixture.server.shutdown()
        for _ in 0..<100 where result.withLock({ $0 }) == nil { usleep(20_000) }
        #expect(result.withLock { $0 } == 200)
        #expect(fixture.server.activeConnections == 0)
        #expect(throws: TransportError.self) { _ = try fixture.rawConnection() }
    }
}
