import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklineFederation
import BacklineModel
import BacklinePolicy
import BacklinePrivacy
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Synchronization

@testable import BacklineAggregator

/// A federation minted for one test — CA, aggregator `main`, promoters p1…p4, operator `ops`,
/// auditor `aud` — and an aggregator served on 127.0.0.1 (port 0) over a SQLite file store.
final class AggregatorFixture: Sendable {
    static let federation = "fed.test"
    static let origin = "fed.test/audit"
    static let promoters = ["p1", "p2", "p3", "p4"]

    let directory: TemporaryDirectory
    let pki: FederationPKI
    let signer: NoteSigner
    let initialModel: GlobalModel
    let outage = OutageSwitch()
    private let current: Mutex<(store: any FederationStore, service: AggregatorService)?> = Mutex(nil)
    /// Opens the store (again, after a restart); SQLite in the test directory by default.
    let openStore: @Sendable () throws -> any FederationStore
    let logLines = LogBox()

    init(
        maxBodyBytes: Int = AggregatorConfiguration.defaultMaxBodyBytes,
        noiseMultiplier: Double = 1.1,
        targetClients: Int? = nil,
        autoRounds: Int? = nil,
        openStore: (@Sendable (String) throws -> any FederationStore)? = nil
    ) throws {
        directory = try TemporaryDirectory(prefix: "backline-aggregator")
        let path = directory.file("aggregator.db")
        self.openStore = { try openStore?(path) ?? SQLFederationStore.makeSQLite(.file(path)) }
        pki = FederationPKI(directory: directory.file("Keys"))
        try pki.initialize(federation: Self.federation, passphrase: nil)
        try pki.issue(role: .aggregator, name: "main", passphrase: nil)
        for name in Self.promoters { try pki.issue(role: .promoter, name: name, passphrase: nil) }
        try pki.issue(role: .operator, name: "ops", passphrase: nil)
        try pki.issue(role: .auditor, name: "aud", passphrase: nil)
        signer = try NoteSigner(name: Self.origin, privateKey: Ed25519.PrivateKey())
        let parameters = try ParameterSet([
            ("artist_factors", Tensor(shape: [4, 2], values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])),
            ("genre_embedding", Tensor(shape: [3], values: [1, 2, 3])),
        ])
        initialModel = try GlobalModel(version: 0, bytes: try SafeTensors.encode(parameters), what: "initial model")
        try FileManager.default.copyItem(atPath: Self.policyPath, toPath: directory.file("federation.policy"))
        self.maxBodyBytes = maxBodyBytes
        self.roundDefaults = RoundParameters(
            minClients: 3,
            deadlineSeconds: 600,
            clipNorm: 1,
            noiseMultiplier: noiseMultiplier,
            strategy: .fedAvg,
            targetClients: targetClients
        )
        self.autoRounds = autoRounds
    }

    /// A fixture with its aggregator started.
    static func make(
        maxBodyBytes: Int = AggregatorConfiguration.defaultMaxBodyBytes,
        noiseMultiplier: Double = 1.1,
        targetClients: Int? = nil,
        autoRounds: Int? = nil,
        openStore: (@Sendable (String) throws -> any FederationStore)? = nil
    ) async throws -> AggregatorFixture {
        let fixture = try AggregatorFixture(
            maxBodyBytes: maxBodyBytes,
            noiseMultiplier: noiseMultiplier,
            targetClients: targetClients,
            autoRounds: autoRounds,
            openStore: openStore
        )
        try await fixture.startService()
        return fixture
    }

    let maxBodyBytes: Int
    /// This fixture's own copy of the federation policy (tests may rewrite it and reload).
    var policyFile: String { directory.file("federation.policy") }
    let roundDefaults: RoundParameters
    let autoRounds: Int?

    deinit { current.withLock { $0?.service.shutdown() } }

    var service: AggregatorService { current.withLock { $0!.service } }
    var store: any FederationStore { current.withLock { $0!.store } }
    var port: UInt16 { service.port }

    /// (Re)starts the aggregator on the same database file, as after a crash.
    func startService() async throws {
        current.withLock { $0?.service.shutdown() }
        let store = try openStore()
        var http = HTTPServerConfiguration()
        http.limits = HTTPLimits(maxBodyBytes: maxBodyBytes)
        let lines = logLines
        let parts = AggregatorService.Parts(
            store: store,
            auditStorage: SwitchableAuditStorage(StoreAuditStorage(store: store), outage: outage),
            auditSigner: signer,
            auditOrigin: Self.origin,
            policy: try PolicyEngine(contentsOf: policyFile),
            tls: try .makeServer(pki: pki, name: "main"),
            http: http,
            name: "main",
            roundDefaults: roundDefaults,
            initialModel: initialModel,
            production: false,
            policyPath: policyFile,
            autoRounds: autoRounds
        )
        let service = try AggregatorService(
            parts: parts,
            logger: Logger(label: "aggregator-test", minimumLevel: .debug) { line in lines.append(line) }
        )
        try await service.start()
        current.withLock { $0 = (store, service) }
    }

    /// The repository's default federation policy.
    static var policyPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Policies/federation.policy").path
    }

    /// Our HTTPS client as `role`/`name`.
    func client(_ role: PeerRole, _ name: String) throws -> HTTPClient {
        var configuration = HTTPClientConfiguration.make(port: port)
        configuration.retry = RetryPolicy(maxAttempts: 1)
        return try HTTPClient(
            configuration: configuration,
            tls: try .makeClient(pki: pki, role: role, name: name, server: "main"),
            logger: Logger(label: "test-client", minimumLevel: .error) { _ in }
        )
    }

    func promoter(_ name: String) throws -> HTTPClient { try client(.promoter, name) }
    func operatorClient() throws -> HTTPClient { try client(.operator, "ops") }
    func auditor() throws -> HTTPClient { try client(.auditor, "aud") }

    /// An update body for `round` from `node`: every value `delta`, with the given metadata.
    func updateBody(
        round: Int64,
        node: String,
        delta: Float = 0.5,
        sampleCount: Double = 10,
        clipNorm: Double = 1,
        noiseMultiplier: Double = 1.1,
        modelSHA256: String? = nil
    ) throws -> [UInt8] {
        let values = [Float](repeating: delta, count: initialModel.shape.count)
        let parameters = try initialModel.parameters.unflattened(values)
        return try UpdateEnvelope(
            round: round,
            node: node,
            sampleCount: sampleCount,
            clipNorm: clipNorm,
            noiseMultiplier: noiseMultiplier,
            parameters: parameters,
            modelSHA256: modelSHA256
        ).encoded()
    }

    /// Opens a round as the operator; returns its id.
    func openRound(_ body: String = "") async throws -> Int64 {
        let response = try await operatorClient().send(HTTPRequest(method: "POST", path: "/v1/rounds", body: Array(body.utf8)))
        guard response.status == 201 else {
            throw HTTPError(status: response.status, code: "open_failed", message: String(decoding: response.body, as: UTF8.self))
        }
        struct Round: Decodable { let round: Int64 }
        return try response.decodeJSON(Round.self).round
    }

    /// Posts `body` as `node`'s update to round `round`.
    func submit(_ body: [UInt8], as node: String, to round: Int64) async throws -> HTTPResponse {
        try await promoter(node).send(HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/updates", body: body), idempotent: false)
    }

    /// Closes round `round` as the operator.
    func close(_ round: Int64) async throws -> HTTPResponse {
        try await operatorClient().send(HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/close"), idempotent: false)
    }

    /// `GET /v1/rounds/current` as `node`.
    func currentRound(as node: String = "p1") async throws -> CurrentRound {
        let response = try await promoter(node).send(HTTPRequest(method: "GET", path: "/v1/rounds/current"))
        guard response.status == 200 else {
            throw HTTPError(status: response.status, code: "current_failed", message: String(decoding: response.body, as: UTF8.self))
        }
        return try response.decodeJSON(CurrentRound.self)
    }

    /// The fields of `GET /v1/rounds/current` tests read.
    struct CurrentRound: Decodable, Sendable {
        let round: Int64
        let state: String
        let accepting: Bool
        let contributions: Int
        let model_version: Int64
        let target_clients: Int?
    }

    /// Polls `condition` every 50 ms for up to `seconds`; true once it holds.
    func eventually(within seconds: Double = 10, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// The stored audit entries, decoded.
    func auditEntries() throws -> [AuditEntry] {
        try store.auditEntries().map { try AuditEntry(canonicalBytes: $0.entry) }
    }

    /// The error code of a JSON error response.
    static func errorCode(_ response: HTTPResponse) -> String? {
        struct Body: Decodable {
            struct Inner: Decodable { let code: String }
            let error: Inner
        }
        return try? response.decodeJSON(Body.self).error.code
    }
}

/// A switch a test flips to take the audit table "down" (item 47).
final class OutageSwitch: Sendable {
    private let down = Mutex(false)
    var isDown: Bool {
        get { down.withLock { $0 } }
        set { down.withLock { $0 = newValue } }
    }
}

/// Audit storage whose appends fail while its switch is down; reads pass through.
final class SwitchableAuditStorage: AuditLogStorage {
    let base: StoreAuditStorage
    let outage: OutageSwitch
    init(_ base: StoreAuditStorage, outage: OutageSwitch) {
        self.base = base
        self.outage = outage
    }
    func append(_ entries: [AuditEntry]) throws -> Int {
        if outage.isDown { throw AuditError.storageFailure("audit table unavailable (test outage)") }
        return try base.append(entries)
    }
    func entries(from: Int, to: Int) throws -> [AuditEntry] { try base.entries(from: from, to: to) }
    func leafData(from: Int, to: Int) throws -> [ArraySlice<UInt8>] { try base.leafData(from: from, to: to) }
    func count() throws -> Int { try base.count() }
    func saveCheckpoint(_ signedNote: String, size: Int) throws { try base.saveCheckpoint(signedNote, size: size) }
    func latestCheckpoint() throws -> String? { try base.latestCheckpoint() }
}

/// A store whose transactions fail as `unavailable` while its switch is down (a database
/// restarting), and pass through otherwise.
final class SwitchableStore: FederationStore {
    let base: any FederationStore
    let outage: OutageSwitch
    init(_ base: any FederationStore, outage: OutageSwitch) {
        self.base = base
        self.outage = outage
    }
    func withTransaction<T>(_ body: (any FederationTransaction) throws -> T) throws -> T {
        if outage.isDown { throw StoreError(code: .unavailable, reason: "database restarting (test outage)") }
        return try base.withTransaction(body)
    }
}

/// The service's captured log lines.
final class LogBox: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    /// Every line so far, joined by newlines.
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
