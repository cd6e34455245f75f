internal import CBacklineShims
internal import COpenSSL

/// An OpenSSL `SSL` wired to two memory BIOs (ciphertext in, ciphertext out), freed on release.
/// The SSL owns the BIOs after `SSL_set_bio`, so freeing it frees them.
final class SSLHandle {
    let pointer: OpaquePointer
    /// Ciphertext from the network is written here.
    let networkInput: OpaquePointer
    /// Ciphertext for the network is read from here.
    let networkOutput: OpaquePointer
    /// Keeps the context alive as long as the connection.
    let context: SSLContextHandle

    init(context: SSLContextHandle, isServer: Bool) throws {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else { throw OpenSSLErrorQueue.error("SSL_new") }
        guard let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLErrorQueue.error("BIO_new")
        }
        // An empty memory BIO reports "retry" rather than EOF, which is what a pump wants.
        _ = BIO_ctrl(input, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nil)
        _ = BIO_ctrl(output, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nil)
        SSL_set_bio(ssl, input, output)
        if isServer { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        pointer = ssl
        networkInput = input
        networkOutput = output
        self.context = context
    }

    deinit { SSL_free(pointer) }
}
