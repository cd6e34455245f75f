public import BacklineCore
internal import CSodium

/// XChaCha20-Poly1305 IETF AEAD (`crypto_aead_xchacha20poly1305_ietf_*`): one message under a
/// 32-byte key with a random 24-byte nonce, so random nonces never collide in practice.
public enum XChaCha20Poly1305 {
    /// Nonce length (24).
    public static let nonceCount = Int(crypto_aead_xchacha20poly1305_ietf_npubbytes())
    /// Tag length (16).
    public static let tagCount = Int(crypto_aead_xchacha20poly1305_ietf_abytes())

    /// A nonce and the ciphertext with its tag appended, as stored.
    public struct SealedBox: Sendable, Hashable {
        /// The 24-byte nonce (not secret).
        public let nonce: [UInt8]
        /// Ciphertext followed by the 16-byte tag.
        public let ciphertext: [UInt8]

        /// A box from stored parts.
        /// - Throws: ``CryptoError`` `invalidLength` for a nonce that is not 24 bytes or a
        ///   ciphertext shorter than the tag.
        public init(nonce: [UInt8], ciphertext: [UInt8]) throws {
            guard nonce.count == XChaCha20Poly1305.nonceCount else {
                throw CryptoError.invalidLength("XChaCha20-Poly1305 nonce", expected: XChaCha20Poly1305.nonceCount, actual: nonce.count)
            }
            guard ciphertext.count >= XChaCha20Poly1305.tagCount else {
                throw CryptoError.invalidLength(
                    "XChaCha20-Poly1305 ciphertext",
                    expected: XChaCha20Poly1305.tagCount,
                    actual: ciphertext.count
                )
            }
            self.nonce = nonce
            self.ciphertext = ciphertext
        }
    }

    /// Encrypts `plaintext` under `key` with a fresh random nonce, authenticating `additionalData`.
    public static func seal(
        _ plaintext: some ContiguousBytes,
        key: SymmetricKey,
        additionalData: some ContiguousBytes = [UInt8]()
    ) throws -> SealedBox {
        try seal(plaintext, key: key, nonce: SecureRandom.bytes(nonceCount), additionalData: additionalData)
    }

    /// Encrypts with a caller-chosen nonce. Package-only: reusing a nonce under one key breaks
    /// confidentiality, so production code always takes the random-nonce form; tests use this for
    /// published vectors.
    package static func seal(
        _ plaintext: some ContiguousBytes,
        key: SymmetricKey,
        nonce: [UInt8],
        additionalData: some ContiguousBytes
    ) throws -> SealedBox {
        SodiumRuntime.ensureInitialized()
        guard nonce.count == nonceCount else {
            throw CryptoError.invalidLength("XChaCha20-Poly1305 nonce", expected: nonceCount, actual: nonce.count)
        }
        let ciphertext: [UInt8] = try plaintext.withUnsafeBytes { message in
            try additionalData.withUnsafeBytes { ad in
                var output = [UInt8](repeating: 0, count: message.count + tagCount)
                var written: UInt64 = 0
                let status = key.withKeyPointer { keyPointer in
                    crypto_aead_xchacha20poly1305_ietf_encrypt(
                        &output,
                        &written,
                        message.bytePointer,
                        UInt64(message.count),
                        ad.bytePointer,
                        UInt64(ad.count),
                        nil,
                        nonce,
                        keyPointer
                    )
                }
                guard status == 0 else { throw CryptoError.libraryFailure("crypto_aead_xchacha20poly1305_ietf_encrypt", status: status) }
                return output
            }
        }
        return try SealedBox(nonce: nonce, ciphertext: ciphertext)
    }

    /// Decrypts `box` into secure memory (for wrapped keys and other secrets).
    /// - Throws: ``CryptoError`` `authenticationFailed` for a wrong key, nonce or additional data,
    ///   or any altered byte.
    public static func open(_ box: SealedBox, key: SymmetricKey, additionalData: some ContiguousBytes = [UInt8]()) throws -> SecureBytes {
        SodiumRuntime.ensureInitialized()
        let plainCount = box.ciphertext.count - tagCount
        var status: Int32 = 0
        let plaintext = additionalData.withUnsafeBytes { ad in
            SecureBytes(unsafeUninitializedCapacity: plainCount) { output in
                var scratch: UInt8 = 0
                status = withUnsafeMutablePointer(to: &scratch) { scratchPointer in
                    key.withKeyPointer { keyPointer in
                        crypto_aead_xchacha20poly1305_ietf_decrypt(
                            output.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? scratchPointer,
                            nil,
                            nil,
                            box.ciphertext,
                            UInt64(box.ciphertext.count),
                            ad.bytePointer,
                            UInt64(ad.count),
                            box.nonce,
                            keyPointer
                        )
                    }
                }
                if status != 0, let base = output.baseAddress { sodium_memzero(base, output.count) }
            }
        }
        guard status == 0 else { throw CryptoError.authenticationFailed("XChaCha20-Poly1305 message") }
        return plaintext
    }
}
