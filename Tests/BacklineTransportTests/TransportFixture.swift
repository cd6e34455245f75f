import BacklineCore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Synchronization

/// A federation minted for one test: CA, aggregator `main`, promoter `p1`, and a running HTTPS
/// server on 127.0.0.1 (port 0) whose log lines are captured.
final class TransportFixture: Sendable {
    static let federation = "fed.test"

    let directory: TemporaryDirectory
    let pki: FederationPKI
    let server: HTTPServer
    let port: UInt16
    let logLines = LockedBox<[String]>([])
    /// How many times the counting handler ran.
    let executions = LockedBox(0)

    init(
        serverConfiguration: HTTPServerConfiguration = HTTPServerConfiguration(),
        extraRoutes: (inout HTTPRouter) -> Void = { _ in }
    ) throws {
        directory = try TemporaryDirectory(prefix: "backline-transport")
        pki = FederationPKI(directory: directory.file("Keys"))
        try pki.initialize(federation: Self.federation, passphrase: nil)
        try pki.issue(role: .aggregator, name: "main", passphrase: nil)
        try pki.issue(role: .promoter, name: "p1", passphrase: nil)
        let lines = logLines
        let logger = Logger(label: "test-server", minimumLevel: .debug) { line in lines.withLock { $0.append(line) } }
        var router = HTTPRouter()
        router.add("GET", "/v1/whoami") { _, peer in
            try .json(["spiffe_id": peer.spiffeID, "role": peer.role.rawValue, "name": peer.name])
        }
        router.add("POST", "/v1/echo") { request, _ in .bytes(request.body) }
        let executions = executions
        router.add("POST", "/v1/count") { _, _ in
            let count = executions.withLock { value -> Int in
                value += 1
                return value
            }
            return try .json(["count": count])
        }
        extraRoutes(&router)
        server = HTTPServer(
            configuration: serverConfiguration,
            tls: try .makeServer(pki: pki, name: "main"),
            router: router,
            logger: logger
        )
        port = try server.start()
    }

    deinit { server.shutdown() }

    /// Captured server log.
    var log: String { logLines.withLock { $0.joined(separator: "\n") } }

    /// Waits up to `seconds` for the log to contain `text`.
    func logEventually(contains text: String, seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log.contains(text) { return true }
            usleep(20_000)
        }
        return log.contains(text)
    }

    /// A minter signing with the federation CA (the CA key is unencrypted in tests).
    func makeMinter() throws -> PKIBadCertificateMinter {
        try PKIBadCertificateMinter(
            workDirectory: directory.file("minted"),
            caCertificatePath: pki.caCertificatePath,
            caKeyPath: pki.caKeyPath
        )
    }

    /// Certificate and key of promoter `p1`.
    var promoter: (certificate: String, key: String) {
        (pki.certificatePath(role: .promoter, name: "p1"), pki.keyPath(role: .promoter, name: "p1"))
    }

    /// `openssl s_client` with `credentials`, sending `request` after the handshake and reading
    /// until the server closes (a TLS 1.3 refusal shows only on that first read).
    func sClient(
        credentials: (certificate: String, key: String)?,
        extra: [String] = ["-alpn", "http/1.1"],
        request: String = "GET /v1/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        waitForServerClose: Bool = true
    ) throws -> PKIToolRunner.Result {
        var arguments = ["s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", pki.caCertificatePath]
        if waitForServerClose { arguments.append("-ign_eof") }
        if let credentials { arguments += ["-cert", credentials.certificate, "-key", credentials.key] }
        arguments += extra
        return try PKIToolRunner.run("openssl", arguments, input: Data(request.utf8), timeout: 15)
    }

    /// `curl` over mTLS to `path`; returns the result (body on stdout).
    func curl(_ path: String, credentials: (certificate: String, key: String), extra: [String] = []) throws -> PKIToolRunner.Result {
        try PKIToolRunner.run(
            "curl",
            [
                "-sS", "--max-time", "10", "--cacert", pki.caCertificatePath, "--cert", credentials.certificate, "--key", credentials.key,
            ] + extra + ["https://127.0.0.1:\(port)\(path)"],
            timeout: 15
        )
    }

    /// Our own client as `role`/`name`, expecting aggregator `server`.
    func client(role: PeerRole = .promoter, name: String = "p1", server: String = "main") throws -> HTTPClient {
        var configuration = HTTPClientConfiguration.make(port: port)
        configuration.retry = RetryPolicy(maxAttempts: 1)
        return try HTTPClient(
            configuration: configuration,
            tls: try .makeClient(pki: pki, role: role, name: name, server: server),
            logger: Logger(label: "test-client", minimumLevel: .error) { _ in }
        )
    }

    /// One raw TLS connection as promoter p1, for hand-written bytes.
    func rawConnection() throws -> HTTPClientConnection {
        let context = try TLSClientContext(
            configuration: try .makeClient(pki: pki, role: .promoter, name: "p1", server: "main"),
            logger: Logger(label: "test-client", minimumLevel: .error) { _ in }
        )
        return try HTTPClientConnection(host: "127.0.0.1", port: port, tls: context)
    }
}

/// A value shared between test threads and handlers.
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
