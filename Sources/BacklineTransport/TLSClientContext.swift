public import BacklineCore

/// A client's loaded TLS credentials (certificate, key, CA, optional CRL), built once from a
/// ``TLSClientConfiguration`` and shared by every connection it makes.
public final class TLSClientContext: Sendable {
    /// The configuration it was built from.
    public let configuration: TLSClientConfiguration
    let handle: SSLContextHandle

    /// Loads the files named by `configuration`.
    /// - Throws: ``TransportError`` `pki_state` when a file is missing or the key does not match.
    public init(configuration: TLSClientConfiguration, logger: Logger) throws {
        self.configuration = configuration
        handle = try SSLContextHandle.makeClient(configuration, logger: logger)
    }
}
