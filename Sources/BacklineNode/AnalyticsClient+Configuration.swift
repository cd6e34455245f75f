public import BacklineCore
internal import BacklineTransport

extension AnalyticsClient {
    /// A client for the node described by `configuration`: mutual TLS with the node's certificate,
    /// pinned to `spiffe://<federation>/aggregator/<aggregator.name>` at `aggregator.host:port`.
    /// - Throws: the transport's errors (unreadable key or certificate files).
    public static func make(configuration: NodeConfiguration, logger: Logger) throws -> AnalyticsClient {
        let tls = TLSClientConfiguration.makeClient(
            caCertificatePath: configuration.tls.ca,
            certificatePath: configuration.tls.certificate,
            keyPath: configuration.tls.key,
            crlPath: configuration.tls.crl,
            expectedServer: try PeerIdentity(federation: configuration.federation, role: .aggregator, name: configuration.aggregator.name)
        )
        let http = HTTPClientConfiguration.make(host: configuration.aggregator.host, port: UInt16(configuration.aggregator.port))
        return AnalyticsClient(name: configuration.name, client: try HTTPClient(configuration: http, tls: tls, logger: logger))
    }
}
