public import BacklineCore
internal import CSodium

/// Ed25519 signatures (RFC 8032) through libsodium's `crypto_sign_*`.
public enum Ed25519 {
    /// A signing key. The 32-byte seed lives in ``SecureBytes``; it is exported only through
    /// ``withUnsafeSeed(_:)`` (for wrapping into a key file by the caller).
    public struct PrivateKey: Sendable {
        private var seed: SecureBytes
        private var secretKey: SecureBytes  // libsodium's 64-byte form (seed ‖ public key)
        /// The matching verification key.
        public let publicKey: PublicKey

        /// A new random key.
        public init() {
            SodiumRuntime.ensureInitialized()
            let seed = SecureBytes(unsafeUninitializedCapacity: Int(crypto_sign_seedbytes())) { buffer in
                randombytes_buf(buffer.baseAddress!, buffer.count)
            }
            try! self.init(seed: seed)
        }

        /// The key derived from a 32-byte RFC 8032 seed.
        public init(seed: SecureBytes) throws {
            SodiumRuntime.ensureInitialized()
            guard seed.count == Int(crypto_sign_seedbytes()) else {
                throw CryptoError.invalidLength("Ed25519 seed", expected: Int(crypto_sign_seedbytes()), actual: seed.count)
            }
            var publicBytes = [UInt8](repeating: 0, count: Int(crypto_sign_publickeybytes()))
            let secret = SecureBytes(unsafeUninitializedCapacity: Int(crypto_sign_secretkeybytes())) { secretBuffer in
                seed.withUnsafeBytes { seedBuffer in
                    _ = crypto_sign_seed_keypair(
                        &publicBytes,
                        secretBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        seedBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    )
                }
            }
            self.seed = seed
            self.secretKey = secret
            self.publicKey = try PublicKey(rawRepresentation: publicBytes)
        }

        /// The detached 64-byte signature of `message`.
        public func signature(for message: some ContiguousBytes) -> [UInt8] {
            var signature = [UInt8](repeating: 0, count: Int(crypto_sign_bytes()))
            message.withUnsafeBytes { messageBuffer in
                secretKey.withUnsafeBytes { secret in
                    _ = crypto_sign_detached(
                        &signature,
                        nil,
                        messageBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        UInt64(messageBuffer.count),
                        secret.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    )
                }
            }
            return signature
        }

        /// Read access to the 32-byte seed, for wrapping it into an encrypted key file.
        public func withUnsafeSeed<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try seed.withUnsafeBytes(body)
        }

        /// Overwrites the seed and the expanded secret key with zeros now (best-effort; see
        /// ``SecureBytes``). The key cannot sign afterwards.
        public mutating func wipe() {
            seed.wipe()
            secretKey.wipe()
        }
    }

    /// A verification key (32 bytes).
    public struct PublicKey: Sendable, Hashable {
        /// The 32 raw bytes.
        public let rawRepresentation: [UInt8]

        /// A key from its 32 raw bytes.
        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == Int(crypto_sign_publickeybytes()) else {
                throw CryptoError.invalidLength(
                    "Ed25519 public key",
                    expected: Int(crypto_sign_publickeybytes()),
                    actual: rawRepresentation.count
                )
            }
            self.rawRepresentation = rawRepresentation
        }

        /// Whether `signature` is a valid signature of `message` by this key.
        public func isValidSignature(_ signature: [UInt8], for message: some ContiguousBytes) -> Bool {
            SodiumRuntime.ensureInitialized()
            guard signature.count == Int(crypto_sign_bytes()) else { return false }
            return message.withUnsafeBytes { messageBuffer in
                crypto_sign_verify_detached(
                    signature,
                    messageBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    UInt64(messageBuffer.count),
                    rawRepresentation
                ) == 0
            }
        }
    }
}
