internal import BacklineCore
internal import CBacklineShims
internal import COpenSSL

/// TLS over a socket that never blocks inside OpenSSL: each operation does what the socket
/// allows now and says what it waits for (``Progress``); the shell (``TLSStream``) polls the
/// socket and decides on deadlines. `SSL_get_error` is mapped explicitly in
/// ``classify(_:operation:)``.
struct TLSPump {
    /// Where the connection stands.
    enum State: Equatable { case handshaking, established, closed }

    /// What an operation needs next.
    enum Progress: Equatable {
        /// Done (handshake complete, or `n` plaintext bytes read or written).
        case done(Int)
        /// The socket must become readable (`.input`) or writable (`.output`) first.
        case needs(Readiness)
        /// The peer sent close_notify (or closed the connection).
        case closed
    }

    /// What the socket must become before an operation can go on.
    enum Readiness: Equatable { case input, output }

    private let ssl: SSLHandle
    private(set) var state: State = .handshaking

    init(context: SSLContextHandle, isServer: Bool, socket: Int32) throws {
        ssl = try SSLHandle(context: context, isServer: isServer, socket: socket)
    }

    /// Whether decrypted or undecrypted input is already buffered (so waiting on the socket would be wrong).
    var hasBufferedInput: Bool { SSL_has_pending(ssl.pointer) == 1 }

    /// Advances the handshake.
    mutating func handshake() throws -> Progress {
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl.pointer)
        if result == 1 {
            state = .established
            return .done(0)
        }
        return try classify(result, operation: "TLS handshake")
    }

    /// Decrypts into `buffer`.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Progress {
        OpenSSLErrorQueue.clear()
        var count = 0
        let result = SSL_read_ex(ssl.pointer, buffer.baseAddress, buffer.count, &count)
        if result == 1 { return .done(count) }
        return try classify(0, operation: "TLS read")
    }

    /// Encrypts and sends as much of `bytes` as the socket takes now (whole records).
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws -> Progress {
        OpenSSLErrorQueue.clear()
        var written = 0
        if SSL_write_ex(ssl.pointer, bytes.baseAddress, bytes.count, &written) == 1 { return .done(written) }
        return try classify(0, operation: "TLS write")
    }

    /// Sends the records the socket BIO still gathers (writes are sent in 64 KiB batches).
    mutating func flush() throws -> Progress {
        switch CBacklineShims_SSL_flush(ssl.pointer) {
        case 1: return .done(0)
        case 0: return .needs(.output)
        default:
            state = .closed
            throw TransportError.connectionClosed("send")
        }
    }

    /// Sends close_notify if the socket takes it now (no wait for the peer's).
    mutating func shutdown() {
        guard state != .closed else { return }
        state = .closed
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl.pointer)
        _ = CBacklineShims_SSL_flush(ssl.pointer)
        OpenSSLErrorQueue.clear()
    }

    /// The peer's verified leaf certificate.
    var peerCertificate: CertificateHandle? {
        SSL_get1_peer_certificate(ssl.pointer).map { CertificateHandle(taking: $0) }
    }

    /// The chain verification result (X509_V_OK = 0 when verified).
    var verifyResult: Int { SSL_get_verify_result(ssl.pointer) }

    /// The negotiated ALPN protocol, if any.
    var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl.pointer, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The negotiated protocol version text (`"TLSv1.3"`).
    var protocolVersion: String { String(cString: SSL_get_version(ssl.pointer)) }

    /// Maps `SSL_get_error` for a failed call.
    private mutating func classify(_ result: Int32, operation: String) throws -> Progress {
        let error = SSL_get_error(ssl.pointer, result)
        switch error {
        case SSL_ERROR_WANT_READ:
            return .needs(.input)
        case SSL_ERROR_WANT_WRITE:
            return .needs(.output)
        case SSL_ERROR_ZERO_RETURN:
            state = .closed
            return .closed
        case SSL_ERROR_SSL:
            state = .closed
            throw OpenSSLErrorQueue.error(operation, code: .handshakeFailed)
        case SSL_ERROR_SYSCALL:
            state = .closed
            throw OpenSSLErrorQueue.error("\(operation) (transport error)", code: .connectionClosed)
        default:
            state = .closed
            throw TransportError(code: .libraryFailure, reason: "\(operation): SSL_get_error \(error)", libraryCode: Int(error))
        }
    }
}
