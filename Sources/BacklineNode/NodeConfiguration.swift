internal import BacklineCore
internal import Foundation

/// A promoter node's configuration file (JSON, snake_case keys, `//` comment lines allowed).
/// ``exampleText`` is a commented example; ``load(path:)`` decodes and checks it, naming the
/// file and field at fault.
public struct NodeConfiguration: Sendable, Codable, Equatable {
    /// Where the aggregator listens and who it must be.
    public struct Aggregator: Sendable, Codable, Equatable {
        /// Dotted IPv4 address.
        public var host: String
        /// Port.
        public var port: Int
        /// Its name: the node only talks to `spiffe://<federation>/aggregator/<name>`.
        public var name: String
    }

    /// The node's TLS files (PEM).
    public struct TLS: Sendable, Codable, Equatable {
        /// This promoter's certificate.
        public var certificate: String
        /// Its private key (mode 0600).
        public var key: String
        /// The federation CA certificate.
        public var ca: String
        /// The CA's revocation list, checked against the aggregator's certificate when given.
        public var crl: String?
    }

    /// The privacy settings of every release and the budget of a new ledger.
    public struct Privacy: Sendable, Codable, Equatable {
        /// Clipping norm C of one member's whole contribution.
        public var clipNorm: Double
        /// Noise multiplier z of the gradient sum (σ = z·C).
        public var noiseMultiplier: Double
        /// Noise multiplier of the released member count.
        public var countNoiseMultiplier: Double
        /// Poisson sampling rate q per round, in (0, 1].
        public var samplingRate: Double
        /// ε of a new ledger's budget (an existing ledger in the vault keeps its own).
        public var budgetEpsilon: Double
        /// δ of a new ledger's budget.
        public var budgetDelta: Double

        enum CodingKeys: String, CodingKey {
            case clipNorm = "clip_norm"
            case noiseMultiplier = "noise_multiplier"
            case countNoiseMultiplier = "count_noise_multiplier"
            case samplingRate = "sampling_rate"
            case budgetEpsilon = "budget_epsilon"
            case budgetDelta = "budget_delta"
        }
    }

    /// The promoter's name: its certificate is `spiffe://<federation>/promoter/<name>`.
    public var name: String
    /// The federation (SPIFFE trust domain).
    public var federation: String
    /// The aggregator.
    public var aggregator: Aggregator
    /// TLS files.
    public var tls: TLS
    /// The promoter's encrypted vault directory.
    public var vault: String
    /// The key file that opens the vault (mode 0600).
    public var keyFile: String
    /// A directory for the node's public files (models downloaded from the aggregator).
    public var stateDirectory: String
    /// Privacy settings.
    public var privacy: Privacy
    /// Fraction of each member's interactions held out for validation (0 = none), in [0, 0.5].
    public var holdoutFraction: Double
    /// Seconds between polls of the aggregator while no round takes updates.
    public var pollSeconds: Double
    /// Worker threads for local training.
    public var threads: Int
    /// Backoff of retried requests (nil: ``Retry`` defaults); see ``effectiveRetry``.
    public var retry: Retry?

    enum CodingKeys: String, CodingKey {
        case name, federation, aggregator, tls, vault, privacy, threads, retry
        case keyFile = "key_file"
        case stateDirectory = "state_directory"
        case holdoutFraction = "holdout_fraction"
        case pollSeconds = "poll_seconds"
    }

    /// Reads and checks the file at `path`.
    /// - Throws: ``NodeError`` `invalid_configuration` naming the file and the field.
    public static func load(path: String) throws -> NodeConfiguration {
        let configuration: NodeConfiguration
        do { configuration = try ConfigurationFile.decode(NodeConfiguration.self, path: path) } catch let failure
            as ConfigurationFile.Failure
        {
            throw NodeError.invalidConfiguration(failure.field, failure.problem, file: path)
        }
        try configuration.validate(file: path)
        return configuration
    }

    /// Checks every field, and that the files it names are readable.
    public func validate(file: String? = nil) throws {
        func fail(_ field: String, _ problem: String) -> NodeError { .invalidConfiguration(field, problem, file: file) }
        for (field, value) in [("name", name), ("federation", federation), ("aggregator.name", aggregator.name)]
        where value.isEmpty || value.utf8.count > 63 || !value.utf8.allSatisfy(Self.isNameByte) {
            throw fail(field, "must be 1…63 characters of a-z, 0-9, '-', '.', '_'")
        }
        let octets = aggregator.host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
            throw fail("aggregator.host", "'\(aggregator.host.prefix(64))' is not a dotted IPv4 address")
        }
        guard (1...65_535).contains(aggregator.port) else { throw fail("aggregator.port", "must be 1…65535, got \(aggregator.port)") }
        let privacyChecks: [(String, Double, ClosedRange<Double>)] = [
            ("privacy.clip_norm", privacy.clipNorm, 1e-9...1e9), ("privacy.noise_multiplier", privacy.noiseMultiplier, 1e-3...1e6),
            ("privacy.count_noise_multiplier", privacy.countNoiseMultiplier, 1e-3...1e6),
            ("privacy.sampling_rate", privacy.samplingRate, 1e-9...1),
            ("privacy.budget_epsilon", privacy.budgetEpsilon, 1e-9...1e6), ("privacy.budget_delta", privacy.budgetDelta, 1e-300...0.1),
            ("holdout_fraction", holdoutFraction, 0...0.5), ("poll_seconds", pollSeconds, 0.01...3600),
        ]
        for (field, value, range) in privacyChecks where !(value.isFinite && range.contains(value)) {
            throw fail(field, "must be a finite number in \(range.lowerBound)…\(range.upperBound), got \(value)")
        }
        guard (1...256).contains(threads) else { throw fail("threads", "must be 1…256, got \(threads)") }
        try retry?.validate(file: file)
        var files = [("tls.certificate", tls.certificate), ("tls.key", tls.key), ("tls.ca", tls.ca), ("key_file", keyFile)]
        if let crl = tls.crl { files.append(("tls.crl", crl)) }
        for (field, path) in files where !FileManager.default.isReadableFile(atPath: path) {
            throw fail(field, "file '\(path)' is missing or unreadable")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: vault, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw fail("vault", "directory '\(vault)' does not exist (import data with 'backline data import' first)")
        }
        guard !stateDirectory.isEmpty else { throw fail("state_directory", "must be a directory path") }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F
    }
}
