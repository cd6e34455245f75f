import BacklineAggregator
import BacklineCore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

/// `backline aggregator …` through the built binary: the example configuration, and `serve`
/// answering over mTLS and stopping gracefully on SIGTERM.
@Suite struct AggregatorCommandLineTests {
    @Test func initConfigPrintsTheCommentedExample() throws {
        let result = try BuiltBinary.run(["aggregator", "init-config"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("// Production refuses to start with noise_multiplier 0"))
        #expect(result.standardOutput == AggregatorConfiguration.exampleText)
    }

    @Test func serveAnswersOverMutualTLSAndStopsOnSIGTERM() async throws {
        let fixture = try AggregatorFixture()
        let keyPath = fixture.directory.file("audit.key")
        let keygen = try BuiltBinary.run(["aggregator", "keygen", "--out", keyPath, "--origin", AggregatorFixture.origin])
        #expect(keygen.status == 0, "\(keygen.standardError)")
        #expect(keygen.standardOutput.contains("verifier key: \(AggregatorFixture.origin)+"))
        #expect(try BuiltBinary.run(["aggregator", "keygen", "--out", keyPath, "--origin", "x"]).status != 0)  // never overwrites

        // A free port: bind 0, read it, release it.
        let probe = HTTPServer(
            configuration: HTTPServerConfiguration(),
            tls: try .makeServer(pki: fixture.pki, name: "main"),
            router: HTTPRouter(),
            logger: Logger(label: "probe") { _ in }
        )
        let port = try probe.start()
        probe.shutdown()
        let modelPath = fixture.directory.file("initial.safetensors")
        try Data(fixture.initialModel.bytes).write(to: URL(fileURLWithPath: modelPath))
        let configuration = """
            // test configuration
            {"federation": "\(AggregatorFixture.federation)", "name": "main", "host": "127.0.0.1", "port": \(port),
             "tls": {"certificate": "\(fixture.pki.certificatePath(role: .aggregator, name: "main"))",
                     "key": "\(fixture.pki.keyPath(role: .aggregator, name: "main"))",
                     "ca": "\(fixture.pki.caCertificatePath)", "crl": "\(fixture.pki.crlPath)"},
             "policy": "\(AggregatorFixture.policyPath)", "store": {"sqlite": "\(fixture.directory.file("serve.db"))"},
             "audit_signing_key": "\(keyPath)", "audit_origin": "\(AggregatorFixture.origin)", "initial_model": "\(modelPath)",
             "round_defaults": {"min_clients": 3, "deadline_seconds": 60, "clip_norm": 1, "noise_multiplier": 1.1, "strategy": "median"},
             "production": true}
            """
        let configPath = fixture.directory.file("serve.json")
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: configPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        process.arguments = ["aggregator", "serve", "--config", configPath]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var configurationClient = HTTPClientConfiguration.make(port: port)
        configurationClient.retry = RetryPolicy(maxAttempts: 1)
        let client = try HTTPClient(
            configuration: configurationClient,
            tls: try .makeClient(pki: fixture.pki, role: .promoter, name: "p1", server: "main"),
            logger: Logger(label: "c", minimumLevel: .error) { _ in }
        )
        var health: HTTPResponse?
        for _ in 0..<100 where health == nil {
            health = try? await client.send(HTTPRequest(method: "GET", path: "/healthz"))
            if health == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(health?.status == 200)
        client.close()

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(log)")
        #expect(log.contains("aggregator stopped"))
    }

    @Test func serveRefusesAProductionConfigurationWithoutNoise() throws {
        let fixture = try AggregatorFixture()
        let path = fixture.directory.file("bad.json")
        let text = AggregatorConfiguration.exampleText.replacingOccurrences(
            of: "\"noise_multiplier\": 1.1",
            with: "\"noise_multiplier\": 0"
        )
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let result = try BuiltBinary.run(["aggregator", "serve", "--config", path])
        #expect(result.status != 0)
        #expect(result.standardError.contains(path))
        #expect(result.standardError.contains("round_defaults.noise_multiplier"), "\(result.standardError)")
    }
}
