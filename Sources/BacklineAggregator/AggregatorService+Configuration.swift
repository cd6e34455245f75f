import BacklineAudit
public import BacklineCore
import BacklineCrypto
import BacklinePolicy
import BacklineStore
import BacklineTransport
import Foundation

extension AggregatorService {
    /// Builds the service a configuration describes, refusing to start — with a message naming
    /// the field and file — on a missing certificate, key, CA or CRL, an unreadable or invalid
    /// policy, a production configuration without noise or clipping, an unreachable database, or
    /// an audit log that contradicts its signed checkpoint.
    public static func make(configuration: AggregatorConfiguration, logger: Logger) throws -> AggregatorService {
        try configuration.validate()
        let policy: PolicyEngine
        do { policy = try PolicyEngine(contentsOf: configuration.policy) } catch {
            throw AggregatorError.invalidConfiguration(
                "policy",
                "file '\(configuration.policy)' is not a valid policy: \(error)",
                underlying: error
            )
        }
        let initialBytes: [UInt8]
        do { initialBytes = try FileAccess.readAll(configuration.initialModel) } catch {
            throw AggregatorError.invalidConfiguration(
                "initial_model",
                "file '\(configuration.initialModel)' cannot be read",
                underlying: error
            )
        }
        let initialModel: GlobalModel
        do { initialModel = try GlobalModel(version: 0, bytes: initialBytes, what: configuration.initialModel) } catch let error
            as AggregatorError
        {
            throw AggregatorError.invalidConfiguration("initial_model", error.reason)
        }
        let signer = try AuditSigningKey.load(path: configuration.auditSigningKey, origin: configuration.effectiveAuditOrigin)
        let store: any FederationStore
        do {
            if let path = configuration.store.sqlite {
                store = try SQLFederationStore.makeSQLite(.file(path))
            } else {
                store = try SQLFederationStore.makePostgres(
                    PostgresConfiguration(
                        connectionString: configuration.store.postgres ?? "",
                        reconnectPolicy: ReconnectPolicy(maxAttempts: 3)
                    )
                )
            }
        } catch {
            let field = configuration.store.sqlite == nil ? "store.postgres" : "store.sqlite"
            throw AggregatorError.invalidConfiguration(field, "the database cannot be opened: \(error)", underlying: error)
        }
        var http = HTTPServerConfiguration()
        http.host = configuration.host
        http.port = UInt16(configuration.port)
        http.limits = HTTPLimits(maxBodyBytes: configuration.effectiveMaxBodyBytes)
        let tls = TLSServerConfiguration.makeServer(
            federation: configuration.federation,
            caCertificatePath: configuration.tls.ca,
            certificatePath: configuration.tls.certificate,
            keyPath: configuration.tls.key,
            crlPath: configuration.tls.crl
        )
        let parts = Parts(
            store: store,
            auditStorage: StoreAuditStorage(store: store),
            auditSigner: signer,
            auditOrigin: configuration.effectiveAuditOrigin,
            policy: policy,
            tls: tls,
            http: http,
            name: configuration.name,
            roundDefaults: configuration.roundDefaults,
            initialModel: initialModel,
            production: configuration.production,
            policyPath: configuration.policy,
            autoRounds: configuration.autoRounds,
            stallTimeout: configuration.effectiveStallTimeoutSeconds
        )
        return try AggregatorService(parts: parts, logger: logger)
    }
}
