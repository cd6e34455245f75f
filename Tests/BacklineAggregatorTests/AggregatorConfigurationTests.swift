import BacklineCore
import BacklinePrivacy
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Synchronization
import Testing

@testable import BacklineAggregator

/// Start-up refusals (item 69 and the configuration checks): each names the field and the file.
@Suite struct AggregatorConfigurationTests {
    /// A valid configuration over minted files in `directory`.
    func valid(_ fixture: AggregatorFixture) throws -> AggregatorConfiguration {
        let keyPath = fixture.directory.file("audit.key")
        if !FileManager.default.fileExists(atPath: keyPath) {
            _ = try AuditSigningKey.generate(path: keyPath, origin: AggregatorFixture.origin)
        }
        let modelPath = fixture.directory.file("initial.safetensors")
        try Data(fixture.initialModel.bytes).write(to: URL(fileURLWithPath: modelPath))
        return AggregatorConfiguration(
            federation: AggregatorFixture.federation,
            name: "main",
            port: 0,
            tls: .init(
                certificate: fixture.pki.certificatePath(role: .aggregator, name: "main"),
                key: fixture.pki.keyPath(role: .aggregator, name: "main"),
                ca: fixture.pki.caCertificatePath,
                crl: fixture.pki.crlPath
            ),
            policy: AggregatorFixture.policyPath,
            store: .init(sqlite: fixture.directory.file("config.db")),
            auditSigningKey: keyPath,
            initialModel: modelPath,
            roundDefaults: RoundParameters(minClients: 3, deadlineSeconds: 60, clipNorm: 1, noiseMultiplier: 1.1, strategy: .fedAvg),
            production: true
        )
    }

    func write(_ configuration: AggregatorConfiguration, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(configuration).write(to: URL(fileURLWithPath: path))
    }

    @Test func aValidConfigurationStartsAndServesHealth() async throws {
        let fixture = try AggregatorFixture()
        let path = fixture.directory.file("aggregator.json")
        try write(try valid(fixture), to: path)
        let service = try AggregatorService.make(
            configuration: try AggregatorConfiguration.load(path: path),
            logger: Logger(label: "t") { _ in }
        )
        let port = try await service.start()
        defer { service.shutdown() }
        #expect(port > 0)
    }

    @Test func theCommentedExampleDecodes() throws {
        let data = AggregatorConfiguration.removingComments(Data(AggregatorConfiguration.exampleText.utf8))
        let example = try JSONDecoder().decode(AggregatorConfiguration.self, from: data)
        #expect(example.production)
        #expect(example.roundDefaults.minClients >= 3)
        #expect(example.roundDefaults.noiseMultiplier > 0)
    }

    static let refusals: [(name: String, field: String)] = [
        ("missing certificate", "tls.certificate"),
        ("production without noise", "noise_multiplier"),
        ("clipping off", "clip_norm"),
        ("two clients", "min_clients"),
        ("invalid policy", "policy"),
        ("unreadable policy", "policy"),
        ("unreachable database", "store.postgres"),
        ("no store", "store"),
    ]

    /// A valid configuration broken as the refusal `name` says, written to a file; its path.
    func writeBroken(_ name: String, _ fixture: AggregatorFixture) throws -> String {
        var configuration = try valid(fixture)
        switch name {
        case "missing certificate": configuration.tls.certificate = fixture.directory.file("nope.cert.pem")
        case "production without noise": configuration.roundDefaults.noiseMultiplier = 0
        case "clipping off": configuration.roundDefaults.clipNorm = 0
        case "two clients": configuration.roundDefaults.minClients = 2
        case "invalid policy":
            let bad = fixture.directory.file("bad.policy")
            try Data("policy broken\nallow X1: nobody fly on moon\n".utf8).write(to: URL(fileURLWithPath: bad))
            configuration.policy = bad
        case "unreadable policy":
            let bad = fixture.directory.file("unreadable.policy")
            try Data([0xff, 0xfe, 0x00]).write(to: URL(fileURLWithPath: bad))
            configuration.policy = bad
        case "unreachable database": configuration.store = .init(postgres: "postgresql://backline@127.0.0.1:1/backline?connect_timeout=2")
        default: configuration.store = .init()
        }
        let path = fixture.directory.file("aggregator.json")
        try write(configuration, to: path)
        return path
    }

    @Test(arguments: refusals)
    func startUpIsRefusedNamingTheField(name: String, field: String) throws {
        let fixture = try AggregatorFixture()
        let path = try writeBroken(name, fixture)
        let error = #expect(throws: AggregatorError.self) {
            _ = try AggregatorService.make(configuration: try AggregatorConfiguration.load(path: path), logger: Logger(label: "t") { _ in })
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.reason.contains(field) == true, "\(error?.reason ?? "")")
        if name != "unreachable database" && name != "invalid policy" && name != "unreadable policy" {
            #expect(error?.reason.contains(path) == true, "names the file: \(error?.reason ?? "")")
        }
    }

    @Test func anOperatorCannotOpenAProductionRoundWithoutNoise() async throws {
        let fixture = try AggregatorFixture()
        let coordinator = RoundCoordinator(
            store: InMemoryFederationStore(),
            defaults: fixture.roundDefaults,
            initialModel: fixture.initialModel
        )
        var parameters = fixture.roundDefaults
        parameters.noiseMultiplier = 0
        #expect(throws: AggregatorError.self) { try coordinator.openRound(parameters, production: true) }
        #expect(try coordinator.openRound(parameters, production: false).id == 1)
    }
}
