/// How a TLS server authenticates itself and its clients. A `Sendable` value; build it with
/// ``makeServer(pki:name:)`` or ``makeServer(federation:caCertificatePath:certificatePath:keyPath:crlPath:)``.
///
/// Fixed, not configurable: TLS 1.3 only, client certificate required and verified against the
/// CA and the CRL (a missing or stale CRL refuses every client), no renegotiation, no session
/// tickets or session cache (so every connection is a full handshake and revocation is checked
/// each time), no 0-RTT, ALPN `http/1.1` only (a client offering only other protocols gets
/// alert 120; a client offering none is served HTTP/1.1).
public struct TLSServerConfiguration: Sendable {
    /// The trust domain client SPIFFE IDs must be in.
    public var federation: String
    /// PEM file of the federation CA.
    public var caCertificatePath: String
    /// PEM certificate (chain) of this server.
    public var certificatePath: String
    /// PEM private key of this server.
    public var keyPath: String
    /// PEM CRL of the federation CA; re-read when the file changes or on request.
    public var crlPath: String
    /// Longest time a client may take to complete its handshake.
    public var handshakeTimeout: Duration = .seconds(10)

    /// A configuration from explicit paths.
    public static func makeServer(
        federation: String,
        caCertificatePath: String,
        certificatePath: String,
        keyPath: String,
        crlPath: String
    ) -> TLSServerConfiguration {
        TLSServerConfiguration(
            federation: federation,
            caCertificatePath: caCertificatePath,
            certificatePath: certificatePath,
            keyPath: keyPath,
            crlPath: crlPath
        )
    }

    /// The configuration of aggregator `name` from a Keys directory.
    public static func makeServer(pki: FederationPKI, name: String) throws -> TLSServerConfiguration {
        let index = try pki.readIndex()
        return makeServer(
            federation: index.federation,
            caCertificatePath: pki.caCertificatePath,
            certificatePath: pki.certificatePath(role: .aggregator, name: name),
            keyPath: pki.keyPath(role: .aggregator, name: name),
            crlPath: pki.crlPath
        )
    }
}

/// How a TLS client authenticates itself and which server it accepts. A `Sendable` value; build
/// it with ``makeClient(pki:role:name:server:)`` or ``makeClient(caCertificatePath:certificatePath:keyPath:crlPath:expectedServer:)``.
///
/// TLS 1.3 only, ALPN `http/1.1`, the server's chain verified against the CA (and the CRL when
/// given), and the server's SPIFFE ID compared with ``expectedServer`` — not just the chain.
public struct TLSClientConfiguration: Sendable {
    /// PEM file of the federation CA.
    public var caCertificatePath: String
    /// PEM certificate of this client.
    public var certificatePath: String
    /// PEM private key of this client.
    public var keyPath: String
    /// PEM CRL to check the server against, if the client has one.
    public var crlPath: String?
    /// The only server identity this client talks to.
    public var expectedServer: PeerIdentity
    /// Longest time the handshake may take.
    public var handshakeTimeout: Duration = .seconds(10)

    /// A configuration from explicit paths.
    public static func makeClient(
        caCertificatePath: String,
        certificatePath: String,
        keyPath: String,
        crlPath: String?,
        expectedServer: PeerIdentity
    ) -> TLSClientConfiguration {
        TLSClientConfiguration(
            caCertificatePath: caCertificatePath,
            certificatePath: certificatePath,
            keyPath: keyPath,
            crlPath: crlPath,
            expectedServer: expectedServer
        )
    }

    /// The configuration of `role`/`name` talking to aggregator `server`, from a Keys directory.
    public static func makeClient(
        pki: FederationPKI,
        role: PeerRole,
        name: String,
        server: String
    ) throws
        -> TLSClientConfiguration
    {
        let index = try pki.readIndex()
        return makeClient(
            caCertificatePath: pki.caCertificatePath,
            certificatePath: pki.certificatePath(role: role, name: name),
            keyPath: pki.keyPath(role: role, name: name),
            crlPath: pki.crlPath,
            expectedServer: try PeerIdentity(federation: index.federation, role: .aggregator, name: server)
        )
    }
}
