internal import BacklineCore
internal import CBacklineShims
internal import COpenSSL

/// TLS as a byte pump: ciphertext goes in with ``receive(_:)``, comes out with
/// ``takeOutput(_:)``; plaintext goes through ``read(into:)`` and ``write(_:)``. No sockets here:
/// the shell (``TLSStream``) moves bytes and decides on deadlines. `SSL_get_error` is mapped
/// explicitly in ``classify(_:operation:)``.
struct TLSPump {
    /// Where the connection stands.
    enum State: Equatable { case handshaking, established, closed }

    /// What an operation needs next.
    enum Progress: Equatable {
        /// Done (handshake complete, or `n` plaintext bytes read).
        case done(Int)
        /// More ciphertext from the peer is needed.
        case needsInput
        /// The peer sent close_notify.
        case closed
    }

    private let ssl: SSLHandle
    private(set) var state: State = .handshaking

    init(context: SSLContextHandle, isServer: Bool) throws {
        ssl = try SSLHandle(context: context, isServer: isServer)
    }

    /// Feeds ciphertext received from the peer.
    mutating func receive(_ ciphertext: UnsafeRawBufferPointer) throws {
        guard ciphertext.count > 0 else { return }
        guard BIO_write(ssl.networkInput, ciphertext.baseAddress, Int32(ciphertext.count)) == Int32(ciphertext.count) else {
            throw OpenSSLErrorQueue.error("BIO_write")
        }
    }

    /// Whether decrypted or undecrypted input is already buffered (so waiting on the socket would be wrong).
    var hasBufferedInput: Bool { SSL_pending(ssl.pointer) > 0 || BIO_ctrl_pending(ssl.networkInput) > 0 }

    /// Bytes waiting to go to the peer.
    var pendingOutput: Int { Int(BIO_ctrl_pending(ssl.networkOutput)) }

    /// Moves up to `buffer.count` bytes of pending ciphertext into `buffer`; returns how many.
    mutating func takeOutput(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard buffer.count > 0 else { return 0 }
        let count = BIO_read(ssl.networkOutput, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        return max(0, Int(count))
    }

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

    /// Encrypts all of `bytes` into the output BIO (a memory BIO never refuses a write).
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            OpenSSLErrorQueue.clear()
            var written = 0
            guard SSL_write_ex(ssl.pointer, bytes.baseAddress! + offset, bytes.count - offset, &written) == 1 else {
                _ = try classify(0, operation: "TLS write")
                throw TransportError.connectionClosed("TLS write")
            }
            offset += written
        }
    }

    /// Queues close_notify (no wait for the peer's).
    mutating func shutdown() {
        guard state != .closed else { return }
        state = .closed
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl.pointer)
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
            return .needsInput
        case SSL_ERROR_ZERO_RETURN:
            state = .closed
            return .closed
        case SSL_ERROR_SSL:
            state = .closed
            throw OpenSSLErrorQueue.error(operation, code: .handshakeFailed)
        case SSL_ERROR_SYSCALL:
            state = .closed
            throw OpenSSLErrorQueue.error("\(operation) (transport error)", code: .connectionClosed)
        case SSL_ERROR_WANT_WRITE:
            // Memory BIOs accept any amount; seeing this means the BIO setup is broken.
            throw TransportError(code: .libraryFailure, reason: "\(operation): unexpected SSL_ERROR_WANT_WRITE on a memory BIO")
        default:
            state = .closed
            throw TransportError(code: .libraryFailure, reason: "\(operation): SSL_get_error \(error)", libraryCode: Int(error))
        }
    }
}
