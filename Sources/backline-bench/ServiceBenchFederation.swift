import BacklineAggregator
import BacklineCore
import BacklineModel
import BacklineTransport
import Foundation

/// The federation the service benchmark runs: minted in a scratch directory with the project's
/// PKI code — CA, aggregator `main`, operator `ops`, promoters `p001`… each with its own
/// certificate — plus the repository's default policy, an audit signing key and a zero initial
/// model of 17 632 × 64 float32 (the size Flower's figures use). ``writeConfiguration(database:)``
/// writes one aggregator configuration per run, each with its own SQLite file.
struct ServiceBenchFederation {
    static let federation = "bench.test"
    static let origin = "bench.test/audit"
    /// Artists × factors: 1 128 448 parameters, 4.51 MB of float32.
    static let modelShape = [17_632, 64]
    /// What every round asks of its updates (FedAvg, noise multiplier 1.1, clipping norm 1).
    static let roundDefaults = RoundParameters(minClients: 3, deadlineSeconds: 600, clipNorm: 1, noiseMultiplier: 1.1, strategy: .fedAvg)

    let directory: String
    let pki: FederationPKI
    let promoters: [String]

    /// Mints the federation with `promoterCount` promoters under `directory` (created, mode 0700).
    init(directory: String, promoterCount: Int, policy: String = "Policies/federation.policy") throws {
        guard FileManager.default.isReadableFile(atPath: policy) else {
            throw CocoaError(
                .fileReadNoSuchFile,
                userInfo: [NSFilePathErrorKey: policy, NSLocalizedDescriptionKey: "run from the repository root: \(policy) is missing"]
            )
        }
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        self.directory = directory
        pki = FederationPKI(directory: directory + "/Keys")
        try pki.initialize(federation: Self.federation, passphrase: nil)
        try pki.issue(role: .aggregator, name: "main", passphrase: nil)
        try pki.issue(role: .operator, name: "ops", passphrase: nil)
        promoters = (1...promoterCount).map { String(format: "p%03d", $0) }
        for name in promoters { try pki.issue(role: .promoter, name: name, passphrase: nil) }
        try FileManager.default.copyItem(atPath: policy, toPath: policyPath)
        _ = try AuditSigningKey.generate(path: signingKeyPath, origin: Self.origin)
        let model = try ParameterSet([("artist_factors", Tensor.zeros(Self.modelShape))])
        try SafeTensors.write(model, to: initialModelPath)
    }

    var policyPath: String { directory + "/federation.policy" }
    var signingKeyPath: String { directory + "/audit-signing.key" }
    var initialModelPath: String { directory + "/model-initial.safetensors" }

    /// Writes `aggregator-<database>.json` (port 0, SQLite file `<database>.db`, production mode)
    /// and returns its path.
    func writeConfiguration(database: String) throws -> String {
        let configuration = AggregatorConfiguration(
            federation: Self.federation,
            name: "main",
            port: 0,
            tls: .init(
                certificate: pki.certificatePath(role: .aggregator, name: "main"),
                key: pki.keyPath(role: .aggregator, name: "main"),
                ca: pki.caCertificatePath,
                crl: pki.crlPath
            ),
            policy: policyPath,
            store: .init(sqlite: directory + "/\(database).db"),
            auditSigningKey: signingKeyPath,
            auditOrigin: Self.origin,
            initialModel: initialModelPath,
            roundDefaults: Self.roundDefaults,
            production: true
        )
        let path = directory + "/aggregator-\(database).json"
        try JSONEncoder().encode(configuration).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// An mTLS client as `role`/`name` for the aggregator on `port` (one attempt per request, so
    /// a failure shows instead of being retried away).
    func client(_ role: PeerRole, _ name: String, port: UInt16) throws -> HTTPClient {
        var configuration = HTTPClientConfiguration.make(port: port)
        configuration.retry = RetryPolicy(maxAttempts: 1)
        return try HTTPClient(
            configuration: configuration,
            tls: try .makeClient(pki: pki, role: role, name: name, server: "main"),
            logger: Logger(label: "service-bench-client", minimumLevel: .error)
        )
    }
}
