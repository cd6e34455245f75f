import BacklineAggregator
import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklineFederation
import BacklineModel
import BacklineNode
import BacklinePolicy
import BacklinePrivacy
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation

/// Seeded noise so a test run is reproducible (production uses `SecureNoiseSource`).
struct SeededNoise: NoiseRandomSource, Sendable {
    var generator: SeededGenerator
    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
}

/// A minted federation (CA, aggregator `main`, promoters p1…p4, operator `ops`), a small synthetic
/// population whose model specification matches the aggregator's initial model, and that
/// aggregator served on 127.0.0.1 (port 0) over a SQLite store in a temporary directory.
final class NodeFederationFixture: Sendable {
    static let federation = "fed.test"
    static let promoters = ["p1", "p2", "p3", "p4"]
    /// The round's privacy parameters; nodes use exactly these.
    static let clipNorm = 1.0
    static let noiseMultiplier = 1.1

    let directory: TemporaryDirectory
    let pki: FederationPKI
    let population: SyntheticFederation
    let specification: ModelSpecification
    let service: AggregatorService
    let store: any FederationStore

    init() async throws {
        directory = try TemporaryDirectory(prefix: "backline-node")
        pki = FederationPKI(directory: directory.file("Keys"))
        try pki.initialize(federation: Self.federation, passphrase: nil)
        try pki.issue(role: .aggregator, name: "main", passphrase: nil)
        for name in Self.promoters { try pki.issue(role: .promoter, name: name, passphrase: nil) }
        try pki.issue(role: .operator, name: "ops", passphrase: nil)
        population = try SyntheticFederation(
            shape: .init(members: [24, 24, 24, 24], artists: 12, genres: 3, itemsPerMember: 3...6),
            seed: 11
        )
        specification = try population.specification(factors: 3)
        let initial = try specification.initialParameters(seed: 5, scale: 0.3)
        let initialModel = try GlobalModel(version: 0, bytes: try SafeTensors.encode(initial), what: "initial model")
        store = try SQLFederationStore.makeSQLite(.file(directory.file("aggregator.db")))
        let policyPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Policies/federation.policy").path
        let parts = AggregatorService.Parts(
            store: store,
            auditStorage: StoreAuditStorage(store: store),
            auditSigner: try NoteSigner(name: "fed.test/audit", privateKey: Ed25519.PrivateKey()),
            auditOrigin: "fed.test/audit",
            policy: try PolicyEngine(contentsOf: policyPath),
            tls: try .makeServer(pki: pki, name: "main"),
            http: HTTPServerConfiguration(),
            name: "main",
            roundDefaults: RoundParameters(
                minClients: 3,
                deadlineSeconds: 600,
                clipNorm: Self.clipNorm,
                noiseMultiplier: Self.noiseMultiplier,
                strategy: .fedAvg
            ),
            initialModel: initialModel,
            production: false,
            policyPath: policyPath
        )
        service = try AggregatorService(parts: parts, logger: Logger(label: "node-test-aggregator", minimumLevel: .error) { _ in })
        _ = try await service.start()
    }

    deinit { service.shutdown() }

    /// An HTTPS client as `role`/`name` that expects the aggregator to be `server` (or uses `tls`).
    /// Writes `node-p1.json` in `directory` for promoter p1 of this federation (aggregator on
    /// `port`, the vault and key given, no holdout, one thread, 1 s polls), with `extra` fields
    /// added at the top level; returns its path.
    func writeNodeConfiguration(
        port: Int,
        vault: String,
        key: String,
        directory: TemporaryDirectory,
        extra: [String: Any] = [:]
    ) throws -> String {
        var node: [String: Any] = [
            "name": "p1", "federation": Self.federation,
            "aggregator": ["host": "127.0.0.1", "port": port, "name": "main"],
            "tls": [
                "certificate": pki.certificatePath(role: .promoter, name: "p1"), "key": pki.keyPath(role: .promoter, name: "p1"),
                "ca": pki.caCertificatePath,
            ],
            "vault": vault, "key_file": key, "state_directory": directory.file("state-p1"),
            "privacy": [
                "clip_norm": 1, "noise_multiplier": 1.1, "count_noise_multiplier": 2, "sampling_rate": 1, "budget_epsilon": 10,
                "budget_delta": 1e-5,
            ],
            "holdout_fraction": 0, "poll_seconds": 1, "threads": 1,
        ]
        node.merge(extra) { $1 }
        let path = directory.file("node-p1.json")
        try JSONSerialization.data(withJSONObject: node).write(to: URL(fileURLWithPath: path))
        return path
    }

    func client(_ role: PeerRole, _ name: String, server: String = "main", tls: TLSClientConfiguration? = nil) throws -> HTTPClient {
        var configuration = HTTPClientConfiguration.make(port: service.port)
        configuration.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
        return try HTTPClient(
            configuration: configuration,
            tls: try tls ?? .makeClient(pki: pki, role: role, name: name, server: server),
            logger: Logger(label: "node-test-client", minimumLevel: .error) { _ in }
        )
    }

    /// A round client for promoter number `index` (p1 = 0) with a privacy budget of `epsilon`, noise
    /// multiplier `noiseMultiplier`, expecting the aggregator to be `server` (or using `tls`), talking
    /// through `http` when given.
    func roundClient(
        _ index: Int,
        epsilon: Double = 1e6,
        noiseMultiplier: Double = noiseMultiplier,
        server: String = "main",
        tls: TLSClientConfiguration? = nil,
        journal: (any NodeJournal)? = nil,
        http: HTTPClient? = nil
    ) throws
        -> RoundClient<SeededNoise>
    {
        let name = Self.promoters[index]
        let data = population.promoters[index]
        let local = try PromoterData(
            name: name,
            interactions: data.interactions,
            memberFeatures: data.memberFeatures,
            specification: specification
        )
        let privacy = try PrivacySettings(clipNorm: Self.clipNorm, noiseMultiplier: noiseMultiplier, countNoiseMultiplier: 2)
        let ledger = try PrivacyLedger(promoter: name, budget: PrivacyBudget(epsilon: epsilon, delta: 1e-6))
        let node = try NodeRound(
            data: local,
            specification: specification,
            samplingRate: 1,
            samplingSeed: SecureBytes([UInt8](repeating: UInt8(index + 1), count: PoissonSampler.seedCount)),
            privacy: privacy,
            ledger: ledger
        )
        return try RoundClient(
            client: try http ?? client(.promoter, name, server: server, tls: tls),
            node: node,
            noise: SeededNoise(seed: UInt64(index + 1)),
            journal: journal
        )
    }

    /// Opens a round as the operator; returns its id.
    func openRound() async throws -> Int64 {
        let response = try await client(.operator, "ops").send(HTTPRequest(method: "POST", path: "/v1/rounds"), idempotent: false)
        struct Round: Decodable { let round: Int64 }
        guard response.status == 201 else { throw NodeError.refused("POST /v1/rounds", status: response.status, code: "open") }
        return try response.decodeJSON(Round.self).round
    }

    /// Closes `round` as the operator; returns the published model version, if any.
    func close(_ round: Int64) async throws -> Int64? {
        let response = try await client(.operator, "ops").send(
            HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/close"),
            idempotent: false
        )
        struct Closure: Decodable { let model_version: Int64? }
        guard response.status == 200 else { throw NodeError.refused("close", status: response.status, code: "close") }
        return try response.decodeJSON(Closure.self).model_version
    }

    /// The bytes of model `version` as served.
    func model(_ version: Int64) async throws -> [UInt8] {
        let response = try await client(.promoter, "p1").send(HTTPRequest(method: "GET", path: "/v1/models/\(version)"))
        guard response.status == 200 else { throw NodeError.refused("model", status: response.status, code: "model") }
        return response.body
    }
}
