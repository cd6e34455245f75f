import BacklineCore
import Foundation

/// The aggregator's configuration file (JSON, snake_case keys). See ``exampleText`` for a
/// commented example; ``load(path:)`` decodes and checks it, naming the field and file at fault.
public struct AggregatorConfiguration: Codable, Sendable, Hashable {
    /// TLS material (PEM files).
    public struct TLS: Codable, Sendable, Hashable {
        /// This aggregator's certificate.
        public var certificate: String
        /// Its private key.
        public var key: String
        /// The federation CA certificate.
        public var ca: String
        /// The federation CA's CRL (a missing or stale CRL refuses every client).
        public var crl: String
        /// Paths of the four files.
        public init(certificate: String, key: String, ca: String, crl: String) {
            self.certificate = certificate
            self.key = key
            self.ca = ca
            self.crl = crl
        }
    }

    /// Where state is kept: exactly one of `sqlite` (a file path) and `postgres` (a libpq URL).
    public struct Store: Codable, Sendable, Hashable {
        /// SQLite database file.
        public var sqlite: String?
        /// PostgreSQL connection string.
        public var postgres: String?
        /// One of the two.
        public init(sqlite: String? = nil, postgres: String? = nil) {
            self.sqlite = sqlite
            self.postgres = postgres
        }
    }

    /// The federation (SPIFFE trust domain).
    public var federation: String
    /// This aggregator's name (its certificate is `spiffe://<federation>/aggregator/<name>`).
    public var name: String
    /// Dotted IPv4 address to listen on.
    public var host: String
    /// Port (0 picks a free one).
    public var port: Int
    /// TLS files.
    public var tls: TLS
    /// The RBAC policy file.
    public var policy: String
    /// The store.
    public var store: Store
    /// File holding the audit-checkpoint signing key: the 32-byte Ed25519 seed in base64, mode 0600.
    public var auditSigningKey: String
    /// The audit log's origin line (default `<federation>/audit`).
    public var auditOrigin: String?
    /// The model every round starts from until one is published (safetensors file).
    public var initialModel: String
    /// Defaults for new rounds.
    public var roundDefaults: RoundParameters
    /// Largest request body in bytes (413 beyond, before reading it).
    public var maxBodyBytes: Int?
    /// Production: refuses to start without noise or clipping.
    public var production: Bool
    /// Rounds the aggregator opens by itself: round 1 at start-up (when no round exists) and the
    /// next one after each publish or failure, until this many rounds exist (nil: operators open them).
    public var autoRounds: Int?
    /// Seconds a round may stay `aggregating` before any replica's clock takes it to be abandoned
    /// (its aggregator died mid-aggregation) and aggregates it again (nil: 60).
    public var stallTimeoutSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case federation, name, host, port, tls, policy, store, production
        case auditSigningKey = "audit_signing_key"
        case auditOrigin = "audit_origin"
        case initialModel = "initial_model"
        case roundDefaults = "round_defaults"
        case maxBodyBytes = "max_body_bytes"
        case autoRounds = "auto_rounds"
        case stallTimeoutSeconds = "stall_timeout_seconds"
    }

    /// A configuration from its parts; check it with ``validate(file:)``.
    public init(
        federation: String,
        name: String,
        host: String = "127.0.0.1",
        port: Int,
        tls: TLS,
        policy: String,
        store: Store,
        auditSigningKey: String,
        auditOrigin: String? = nil,
        initialModel: String,
        roundDefaults: RoundParameters,
        maxBodyBytes: Int? = nil,
        production: Bool,
        autoRounds: Int? = nil,
        stallTimeoutSeconds: Double? = nil
    ) {
        self.federation = federation
        self.name = name
        self.host = host
        self.port = port
        self.tls = tls
        self.policy = policy
        self.store = store
        self.auditSigningKey = auditSigningKey
        self.auditOrigin = auditOrigin
        self.initialModel = initialModel
        self.roundDefaults = roundDefaults
        self.maxBodyBytes = maxBodyBytes
        self.production = production
        self.autoRounds = autoRounds
        self.stallTimeoutSeconds = stallTimeoutSeconds
    }

    /// Most rounds `auto_rounds` may ask for.
    public static let maximumAutoRounds = 1_000_000

    /// Default body limit: 8 MiB.
    public static let defaultMaxBodyBytes = 8 * 1024 * 1024

    /// The audit origin in effect.
    public var effectiveAuditOrigin: String { auditOrigin ?? "\(federation)/audit" }
    /// The body limit in effect.
    public var effectiveMaxBodyBytes: Int { maxBodyBytes ?? Self.defaultMaxBodyBytes }
    /// Default stall timeout: 60 s.
    public static let defaultStallTimeoutSeconds = 60.0
    /// Longest stall timeout `stall_timeout_seconds` may ask for: an hour.
    public static let maximumStallTimeoutSeconds = 3600.0
    /// The stall timeout in effect, in seconds.
    public var effectiveStallTimeoutSeconds: Double { stallTimeoutSeconds ?? Self.defaultStallTimeoutSeconds }

    /// Reads and checks the file at `path`.
    /// - Throws: ``AggregatorError`` `invalid_configuration` naming the file and the field.
    public static func load(path: String) throws -> AggregatorConfiguration {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw AggregatorError.invalidConfiguration("file", "cannot be read", file: path, underlying: error)
        }
        let configuration: AggregatorConfiguration
        do { configuration = try JSONDecoder().decode(AggregatorConfiguration.self, from: Self.removingComments(data)) } catch let error
            as DecodingError
        {
            throw AggregatorError.invalidConfiguration(Self.describe(error).field, Self.describe(error).problem, file: path)
        } catch {
            throw AggregatorError.invalidConfiguration("file", "is not valid JSON", file: path, underlying: error)
        }
        try configuration.validate(file: path)
        return configuration
    }

    /// Checks every field and that the files it names exist; `file` names the configuration in messages.
    public func validate(file: String? = nil) throws {
        func fail(_ field: String, _ problem: String) -> AggregatorError { .invalidConfiguration(field, problem, file: file) }
        guard !federation.isEmpty, federation.utf8.count <= 63 else { throw fail("federation", "must be 1…63 characters") }
        guard !name.isEmpty, name.utf8.count <= 63 else { throw fail("name", "must be 1…63 characters") }
        do { try roundDefaults.validate(production: production, field: "round_defaults") } catch let error as AggregatorError {
            throw AggregatorError(code: .invalidConfiguration, reason: (file.map { "\($0): " } ?? "") + error.reason)
        }
        guard (0...65_535).contains(port) else { throw fail("port", "must be 0…65535, got \(port)") }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
            throw fail("host", "'\(host.prefix(64))' is not a dotted IPv4 address")
        }
        for (field, path) in [
            ("tls.certificate", tls.certificate), ("tls.key", tls.key), ("tls.ca", tls.ca), ("tls.crl", tls.crl),
            ("policy", policy), ("audit_signing_key", auditSigningKey), ("initial_model", initialModel),
        ] {
            guard FileManager.default.isReadableFile(atPath: path) else { throw fail(field, "file '\(path)' is missing or unreadable") }
        }
        switch (store.sqlite, store.postgres) {
        case (let path?, nil): guard !path.isEmpty else { throw fail("store.sqlite", "must be a file path") }
        case (nil, let url?): guard !url.isEmpty else { throw fail("store.postgres", "must be a connection string") }
        default: throw fail("store", "give exactly one of sqlite and postgres")
        }
        if let maxBodyBytes, !(1024...(256 * 1024 * 1024)).contains(maxBodyBytes) {
            throw fail("max_body_bytes", "must be 1024…268435456, got \(maxBodyBytes)")
        }
        if let autoRounds, !(1...Self.maximumAutoRounds).contains(autoRounds) {
            throw fail("auto_rounds", "must be 1…\(Self.maximumAutoRounds), got \(autoRounds)")
        }
        if let stallTimeoutSeconds,
            !(stallTimeoutSeconds.isFinite && stallTimeoutSeconds > 0 && stallTimeoutSeconds <= Self.maximumStallTimeoutSeconds)
        {
            throw fail(
                "stall_timeout_seconds",
                "must be a number of seconds > 0 and ≤ \(Int(Self.maximumStallTimeoutSeconds)), got \(stallTimeoutSeconds)"
            )
        }
    }

    /// The file without its comment lines (first non-blank characters `//`), so the example
    /// printed by `init-config` loads as it is.
    static func removingComments(_ data: Data) -> Data {
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return Data(lines.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n").utf8)
    }

    private static func describe(_ error: DecodingError) -> (field: String, problem: String) {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return (path(context.codingPath + [key]), "is missing")
        case .typeMismatch(_, let context): return (path(context.codingPath), "has the wrong type: \(context.debugDescription)")
        case .valueNotFound(_, let context): return (path(context.codingPath), "is null")
        case .dataCorrupted(let context): return (path(context.codingPath), context.debugDescription)
        @unknown default: return ("file", "cannot be decoded")
        }
    }
}
