internal import CBacklineShims
internal import COpenSSL

/// An OpenSSL `SSL` reading and writing a TCP socket directly, through the non-blocking socket
/// BIO of `CBacklineShims_SSL_set_socket` (no memory BIOs, so no copies of every record between
/// them and the socket); freed on release. The SSL owns the BIO; the socket stays the caller's.
final class SSLHandle {
    let pointer: OpaquePointer
    /// Keeps the context alive as long as the connection.
    let context: SSLContextHandle

    /// Bytes OpenSSL reads from the socket at a time (read-ahead), so a 4.5 MB body takes about
    /// 70 `recv` calls instead of two per 16 KiB record.
    static let readBufferBytes = 1 << 16

    init(context: SSLContextHandle, isServer: Bool, socket: Int32) throws {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else { throw OpenSSLErrorQueue.error("SSL_new") }
        guard CBacklineShims_SSL_set_socket(ssl, socket, Self.readBufferBytes) == 1 else {
            SSL_free(ssl)
            throw OpenSSLErrorQueue.error("BIO_new (socket)")
        }
        if isServer { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        pointer = ssl
        self.context = context
    }

    deinit { SSL_free(pointer) }
}
