import BacklineCore
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Synchronization

@testable import BacklineAggregator

/// A real `backline aggregator serve` process over an ``AggregatorFixture``'s federation
/// (its PKI, policy and initial model): written configuration, started, killed with SIGKILL,
/// restarted on the same store and port. Each run's standard error goes to a file in the
/// fixture directory, read by ``log``.
final class AggregatorProcess: @unchecked Sendable {
    // @unchecked: `process` and `runs` are only touched under `lock`.
    let fixture: AggregatorFixture
    let name: String
    let port: UInt16
    let configPath: String
    private let lock = NSLock()
    private var process: SpawnedProcess?
    private var runs = 0

    /// Writes the configuration: `store` is the JSON of the `store` key, `roundDefaults` that of
    /// `round_defaults`; `autoRounds` adds the top-level key.
    init(
        fixture: AggregatorFixture,
        name: String = "main",
        store: String,
        port: UInt16? = nil,
        roundDefaults: String =
            #"{"min_clients": 3, "deadline_seconds": 600, "clip_norm": 1, "noise_multiplier": 1.1, "strategy": "fedavg"}"#,
        autoRounds: Int? = nil,
        production: Bool = true
    ) throws {
        self.fixture = fixture
        self.name = name
        self.port = try port ?? Self.freePort(fixture)
        let directory = fixture.directory
        let keyPath = directory.file("audit.key")
        if !FileManager.default.fileExists(atPath: keyPath) {
            _ = try AuditSigningKey.generate(path: keyPath, origin: AggregatorFixture.origin)
        }
        let modelPath = directory.file("initial.safetensors")
        try Data(fixture.initialModel.bytes).write(to: URL(fileURLWithPath: modelPath))
        let pki = fixture.pki
        let text = """
            {"federation": "\(AggregatorFixture.federation)", "name": "main", "host": "127.0.0.1", "port": \(self.port),
             "tls": {"certificate": "\(pki.certificatePath(role: .aggregator, name: "main"))",
                     "key": "\(pki.keyPath(role: .aggregator, name: "main"))",
                     "ca": "\(pki.caCertificatePath)", "crl": "\(pki.crlPath)"},
             "policy": "\(fixture.policyFile)", "store": \(store),
             "audit_signing_key": "\(keyPath)", "audit_origin": "\(AggregatorFixture.origin)", "initial_model": "\(modelPath)",
             "round_defaults": \(roundDefaults),\(autoRounds.map { " \"auto_rounds\": \($0)," } ?? "")
             "production": \(production)}
            """
        configPath = directory.file("\(name).json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    deinit { lock.withLock { process }?.kill9() }

    /// A port nothing listens on now (bound to 0 and released).
    static func freePort(_ fixture: AggregatorFixture) throws -> UInt16 {
        let probe = HTTPServer(
            configuration: HTTPServerConfiguration(),
            tls: try .makeServer(pki: fixture.pki, name: "main"),
            router: HTTPRouter(),
            logger: Logger(label: "probe") { _ in }
        )
        let port = try probe.start()
        probe.shutdown()
        return port
    }

    /// Starts the process (with the test crash point `crashAt` armed, if given) and, unless it
    /// is expected to fail, waits until `/healthz` answers.
    func start(crashAt: String? = nil, waitForHealth: Bool = true) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["BACKLINE_TEST_CRASH_AT"] = crashAt
        let run = lock.withLock {
            runs += 1
            return runs
        }
        let process = try SpawnedProcess(
            BuiltBinary.path,
            ["aggregator", "serve", "--config", configPath],
            environment: environment,
            errorPath: fixture.directory.file("\(name)-run\(run).log")
        )
        lock.withLock { self.process = process }
        guard waitForHealth else { return }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let status = process.status { throw ProcessFailure(message: "aggregator exited with \(status): \(log)") }
            if (try? await send(.promoter, "p1", HTTPRequest(method: "GET", path: "/healthz")))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProcessFailure(message: "aggregator did not answer /healthz within 30 s: \(log)")
    }

    /// SIGKILL, and waits for the process to be gone.
    func kill9() { lock.withLock { process }?.kill9() }

    /// Waits (up to `seconds`) for the process to exit by itself; its status, or nil if still running.
    func waitForExit(within seconds: Double = 20) async throws -> Int32? {
        guard let process = lock.withLock({ process }) else { return nil }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return process.status
    }

    /// Every run's standard error so far.
    var log: String {
        let runs = lock.withLock { self.runs }
        return (1...max(runs, 1)).compactMap {
            try? String(contentsOfFile: fixture.directory.file("\(name)-run\($0).log"), encoding: .utf8)
        }
        .joined(separator: "\n--- restart ---\n")
    }

    /// One request as `role`/`name` on a fresh connection, no retries (a dead process is an error).
    func send(_ role: PeerRole, _ peer: String, _ request: HTTPRequest) async throws -> HTTPResponse {
        var configuration = HTTPClientConfiguration.make(port: port)
        configuration.retry = RetryPolicy(maxAttempts: 1)
        let client = try HTTPClient(
            configuration: configuration,
            tls: try .makeClient(pki: fixture.pki, role: role, name: peer, server: "main"),
            logger: Logger(label: "process-client", minimumLevel: .error) { _ in }
        )
        defer { client.close() }
        return try await client.send(request, idempotent: false)
    }

    /// Posts `body` as `node`'s update to `round`.
    func submit(_ body: [UInt8], as node: String, to round: Int64) async throws -> HTTPResponse {
        try await send(.promoter, node, HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/updates", body: body))
    }

    /// Opens a round as the operator (optional JSON overrides); its id.
    func openRound(_ body: String = "") async throws -> Int64 {
        let response = try await send(.operator, "ops", HTTPRequest(method: "POST", path: "/v1/rounds", body: Array(body.utf8)))
        guard response.status == 201 else {
            throw ProcessFailure(message: "open: \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        struct Round: Decodable { let round: Int64 }
        return try response.decodeJSON(Round.self).round
    }

    /// `GET /v1/rounds/current` as `node`.
    func currentRound(as node: String = "p1") async throws -> AggregatorFixture.CurrentRound {
        let response = try await send(.promoter, node, HTTPRequest(method: "GET", path: "/v1/rounds/current"))
        guard response.status == 200 else { throw ProcessFailure(message: "current: \(response.status)") }
        return try response.decodeJSON(AggregatorFixture.CurrentRound.self)
    }

    /// A process test's failure, with the aggregator's log.
    struct ProcessFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
