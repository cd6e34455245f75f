internal import BacklineCore
internal import BacklineCrypto
internal import BacklineModel
internal import BacklineNode
internal import BacklinePrivacy
internal import BacklineTransport
internal import BacklineVault
import Foundation

/// A promoter node opened from its configuration: the vault (keys in locked memory), its journal,
/// its ledger, and the paths of the public files in the state directory.
struct NodeSession {
    let configuration: NodeConfiguration
    let vault: EncryptedVault
    let journal: VaultNodeJournal

    /// Opens the vault named by `configuration` (core dumps off first) and its journal.
    init(configuration: NodeConfiguration) throws {
        try ProcessHardening.disableCoreDumps()
        guard FileAccess.exists(configuration.vault + "/keys.manifest") else {
            throw UsageError("\(configuration.vault) is not a vault (no keys.manifest); create one with 'backline data import'")
        }
        self.configuration = configuration
        vault = try EncryptedVault.open(at: configuration.vault, kek: .keyFile(configuration.keyFile))
        journal = try VaultNodeJournal(vault: vault)
        try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
    }

    /// The federation's initial model (vocabularies), as cached in the state directory.
    var federationModelPath: String { configuration.stateDirectory + "/federation-model.safetensors" }
    /// The latest global model as a model file the query commands read (`--model`).
    var latestModelPath: String { configuration.stateDirectory + "/model-latest.safetensors" }
    /// The public progress file (`node status` reads the vault; this file is for dashboards).
    var statusPath: String { configuration.stateDirectory + "/status.json" }

    /// The promoter's ledger from the vault, or a new one with the configured budget.
    /// - Throws: `UsageError` when the stored ledger belongs to another promoter.
    func ledger() throws -> PrivacyLedger {
        if let stored = try VaultLedgerPersistence(factory: vault).load() {
            guard stored.promoter == configuration.name else {
                throw UsageError("the vault's privacy ledger belongs to '\(stored.promoter)', not '\(configuration.name)'")
            }
            return stored
        }
        return PrivacyLedger(
            promoter: configuration.name,
            budget: try PrivacyBudget(epsilon: configuration.privacy.budgetEpsilon, delta: configuration.privacy.budgetDelta)
        )
    }

    /// An mTLS client that talks only to the configured aggregator.
    func httpClient(logger: Logger) throws -> HTTPClient {
        var http = HTTPClientConfiguration.make(host: configuration.aggregator.host, port: UInt16(configuration.aggregator.port))
        http.limits = HTTPLimits(maxBodyBytes: 512 * 1024 * 1024)
        let tls = TLSClientConfiguration.makeClient(
            caCertificatePath: configuration.tls.ca,
            certificatePath: configuration.tls.certificate,
            keyPath: configuration.tls.key,
            crlPath: configuration.tls.crl,
            expectedServer: try PeerIdentity(federation: configuration.federation, role: .aggregator, name: configuration.aggregator.name)
        )
        return try HTTPClient(configuration: http, tls: tls, logger: logger)
    }

    /// The federation's initial model archive: the cached copy, or version 0 downloaded through `client`.
    func federationModel(client: HTTPClient) async throws -> ModelArchive {
        let cached = FileAccess.exists(federationModelPath)
        let bytes = cached ? try FileAccess.readAll(federationModelPath) : try await ModelDownload.fetch(client: client, version: 0).bytes
        let archive: ModelArchive
        do { archive = try ModelArchive(bytes: bytes) } catch {
            throw UsageError(
                "the federation's initial model is not a model archive with vocabularies (make it with 'backline federation init'): \(error)"
            )
        }
        if !cached { try AtomicFileWriter.write(bytes, to: federationModelPath) }
        return archive
    }
}
