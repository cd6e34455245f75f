internal import BacklineCore
internal import CBacklineShims
internal import COpenSSL

/// An OpenSSL private key (`EVP_PKEY`), freed on release.
final class PrivateKeyHandle {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    /// A fresh ECDSA P-256 key: accepted by curl, nginx and `openssl s_client` alike.
    static func generateP256() throws -> PrivateKeyHandle {
        OpenSSLErrorQueue.clear()
        guard let key = CBacklineShims_EVP_EC_gen("P-256") else { throw OpenSSLErrorQueue.error("EVP_EC_gen(P-256)") }
        return PrivateKeyHandle(taking: key)
    }

    /// Reads a PEM private key; `passphrase` decrypts an encrypted (PKCS#8) key.
    static func read(path: String, passphrase: SecureBytes?) throws -> PrivateKeyHandle {
        let pem = SecureBytes(try FileAccess.readAll(path))
        // A NUL-terminated copy in locked memory: OpenSSL's default callback reads `u` as a C string.
        var terminated = SecureBytes(capacity: (passphrase?.count ?? 0) + 1)
        if let passphrase { passphrase.withUnsafeBytes { terminated.append(contentsOf: $0) } }
        terminated.append(contentsOf: [0])
        OpenSSLErrorQueue.clear()
        let bio = try pem.withUnsafeBytes { try MemoryBIO(bytes: $0, secure: true) }
        let key = terminated.withUnsafeBytes { pass -> OpaquePointer? in
            let user = passphrase == nil ? nil : UnsafeMutableRawPointer(mutating: pass.baseAddress)
            return PEM_read_bio_PrivateKey(bio.pointer, nil, nil, user)
        }
        guard let key else {
            throw TransportError(
                code: .pkiState,
                reason: "\(path): cannot read the private key (wrong passphrase, or not a PEM key): \(OpenSSLErrorQueue.drain().text)"
            )
        }
        return PrivateKeyHandle(taking: key)
    }

    /// Writes the key as PKCS#8 PEM, mode 0600, encrypted with AES-256-CBC under a PBKDF2-derived
    /// key when `passphrase` is given.
    func write(path: String, passphrase: SecureBytes?) throws {
        OpenSSLErrorQueue.clear()
        let bio = try MemoryBIO(secure: true)
        let status: Int32
        if let passphrase {
            guard passphrase.count > 0, passphrase.count < 1024 else {
                throw TransportError.invalidArgument("passphrase", "must be 1 to 1023 bytes")
            }
            status = passphrase.withUnsafeBytes { pass in
                PEM_write_bio_PKCS8PrivateKey(
                    bio.pointer,
                    pointer,
                    EVP_aes_256_cbc(),
                    pass.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(pass.count),
                    nil,
                    nil
                )
            }
        } else {
            status = PEM_write_bio_PKCS8PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil)
        }
        guard status == 1 else { throw OpenSSLErrorQueue.error("PEM_write_bio_PKCS8PrivateKey") }
        try bio.withContents { contents in
            let writer = try AtomicFileWriter(path: path, mode: 0o600)
            do {
                try writer.write(contents)
                try writer.commit()
            } catch {
                writer.abandon()
                throw error
            }
        }
    }

    deinit { EVP_PKEY_free(pointer) }
}
