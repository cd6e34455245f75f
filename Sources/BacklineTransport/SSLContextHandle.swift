internal import BacklineCore
internal import CBacklineShims
internal import COpenSSL

/// An OpenSSL `SSL_CTX` set up the Backline way (see ``TLSServerConfiguration``), freed on release.
final class SSLContextHandle: @unchecked Sendable {
    // @unchecked: the SSL_CTX is not mutated after init; OpenSSL locks its internal counters.
    let pointer: OpaquePointer
    /// Whether a CRL was loaded (false means every peer verification fails: fail closed).
    let hasRevocationList: Bool

    private init(pointer: OpaquePointer, hasRevocationList: Bool) {
        self.pointer = pointer
        self.hasRevocationList = hasRevocationList
    }

    /// A server context. A missing or unreadable CRL still yields a context, one that refuses every client.
    static func makeServer(_ configuration: TLSServerConfiguration, logger: Logger) throws -> SSLContextHandle {
        let context = try makeBase(method: TLS_server_method())
        try useIdentity(context, certificatePath: configuration.certificatePath, keyPath: configuration.keyPath)
        try trust(context, caPath: configuration.caCertificatePath)
        if let names = SSL_load_client_CA_file(configuration.caCertificatePath) { SSL_CTX_set_client_CA_list(context, names) }
        let loaded = loadRevocationList(context, path: configuration.crlPath, logger: logger)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        _ = CBacklineShims_SSL_CTX_set_session_cache_mode(context, Int(SSL_SESS_CACHE_OFF))
        SSL_CTX_set_alpn_select_cb(context, selectHTTP11, nil)
        return SSLContextHandle(pointer: context, hasRevocationList: loaded)
    }

    /// A client context: verifies the server chain (and CRL if given), offers ALPN http/1.1.
    static func makeClient(_ configuration: TLSClientConfiguration, logger: Logger) throws -> SSLContextHandle {
        let context = try makeBase(method: TLS_client_method())
        try useIdentity(context, certificatePath: configuration.certificatePath, keyPath: configuration.keyPath)
        try trust(context, caPath: configuration.caCertificatePath)
        var loaded = false
        if let crlPath = configuration.crlPath { loaded = loadRevocationList(context, path: crlPath, logger: logger) }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let protocols: [UInt8] = [8] + Array("http/1.1".utf8)
        guard SSL_CTX_set_alpn_protos(context, protocols, UInt32(protocols.count)) == 0 else {
            SSL_CTX_free(context)
            throw OpenSSLErrorQueue.error("SSL_CTX_set_alpn_protos")
        }
        return SSLContextHandle(pointer: context, hasRevocationList: loaded)
    }

    private static func makeBase(method: OpaquePointer?) throws -> OpaquePointer {
        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(method) else { throw OpenSSLErrorQueue.error("SSL_CTX_new") }
        guard CBacklineShims_SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION) == 1,
            CBacklineShims_SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) == 1,
            SSL_CTX_set_num_tickets(context, 0) == 1,
            SSL_CTX_set_max_early_data(context, 0) == 1
        else {
            SSL_CTX_free(context)
            throw OpenSSLErrorQueue.error("TLS 1.3-only context setup")
        }
        _ = CBacklineShims_SSL_CTX_set_options(context, CBacklineShims_SSL_OP_backline_strict())
        SSL_CTX_set_verify_depth(context, 2)
        return context
    }

    private static func useIdentity(_ context: OpaquePointer, certificatePath: String, keyPath: String) throws {
        do {
            try FileAccess.requireOwnerOnly(keyPath)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        guard SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLErrorQueue.error("loading certificate \(certificatePath)", code: .pkiState)
        }
        guard SSL_CTX_use_PrivateKey_file(context, keyPath, SSL_FILETYPE_PEM) == 1, SSL_CTX_check_private_key(context) == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLErrorQueue.error("loading key \(keyPath)", code: .pkiState)
        }
    }

    private static func trust(_ context: OpaquePointer, caPath: String) throws {
        guard SSL_CTX_load_verify_locations(context, caPath, nil) == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLErrorQueue.error("loading CA \(caPath)", code: .pkiState)
        }
    }

    /// Adds the CRL at `path` and turns on CRL checking for the leaf. Returns false (and logs)
    /// when the CRL cannot be read: checking stays on, so every peer is refused.
    private static func loadRevocationList(_ context: OpaquePointer, path: String, logger: Logger) -> Bool {
        let store = SSL_CTX_get_cert_store(context)
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK))
        guard let bytes = try? FileAccess.readAll(path),
            let bio = try? bytes.withUnsafeBytes({ try MemoryBIO(bytes: $0) }),
            let crl = PEM_read_bio_X509_CRL(bio.pointer, nil, nil, nil)
        else {
            OpenSSLErrorQueue.clear()
            logger.error("CRL unreadable; refusing every peer until it is fixed", ["crl": .public(path)])
            return false
        }
        defer { X509_CRL_free(crl) }
        guard X509_STORE_add_crl(store, crl) == 1 else {
            logger.error(
                "CRL rejected by OpenSSL; refusing every peer",
                ["crl": .public(path), "openssl": .public(OpenSSLErrorQueue.drain().text)]
            )
            return false
        }
        return true
    }

    deinit { SSL_CTX_free(pointer) }
}

/// ALPN: pick `http/1.1` from the client's list, or fail the handshake with no_application_protocol (120).
private func selectHTTP11(
    _ ssl: OpaquePointer?,
    _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?,
    _ input: UnsafePointer<UInt8>?,
    _ inputLength: UInt32,
    _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let input, let out, let outLength else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    let wanted = Array("http/1.1".utf8)
    var offset = 0
    let total = Int(inputLength)
    while offset < total {
        let length = Int(input[offset])
        let start = offset + 1
        guard start + length <= total else { break }
        if length == wanted.count && (0..<length).allSatisfy({ input[start + $0] == wanted[$0] }) {
            out.pointee = input + start
            outLength.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        offset = start + length
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL
}
