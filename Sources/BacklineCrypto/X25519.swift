public import BacklineCore
internal import CSodium

/// X25519 Diffie-Hellman (RFC 7748) through libsodium's `crypto_scalarmult`.
public enum X25519 {
    /// Key and shared-secret length (32).
    public static let byteCount = Int(crypto_scalarmult_bytes())

    /// A secret scalar in secure memory, with its public key.
    public struct PrivateKey: Sendable, CustomStringConvertible {
        private var scalar: SecureBytes
        /// The matching public key (`scalar · 9`).
        public let publicKey: PublicKey

        /// A fresh random key.
        public init() {
            try! self.init(rawRepresentation: SecureRandom.secureBytes(X25519.byteCount))
        }

        /// The key with the given 32-byte scalar (clamped by libsodium when used).
        /// - Throws: ``CryptoError`` `invalidLength` for another length.
        public init(rawRepresentation scalar: SecureBytes) throws {
            SodiumRuntime.ensureInitialized()
            guard scalar.count == X25519.byteCount else {
                throw CryptoError.invalidLength("X25519 private key", expected: X25519.byteCount, actual: scalar.count)
            }
            var publicBytes = [UInt8](repeating: 0, count: X25519.byteCount)
            let status = scalar.withUnsafeBytes { crypto_scalarmult_base(&publicBytes, $0.bytePointer!) }
            guard status == 0 else { throw CryptoError.libraryFailure("crypto_scalarmult_base", status: status) }
            self.scalar = scalar
            self.publicKey = try PublicKey(rawRepresentation: publicBytes)
        }

        /// The shared secret `X25519(scalar, peer)`. Hash it (or feed it to a KDF) before use as a key.
        /// - Throws: ``CryptoError`` `weakPublicKey` when the result is all zero (a low-order peer key).
        public func sharedSecret(with peer: PublicKey) throws -> SecureBytes {
            var status: Int32 = 0
            let secret = scalar.withUnsafeBytes { scalarBuffer in
                SecureBytes(unsafeUninitializedCapacity: X25519.byteCount) { output in
                    status = crypto_scalarmult(
                        output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        scalarBuffer.bytePointer!,
                        peer.rawRepresentation
                    )
                }
            }
            guard status == 0 else {
                throw CryptoError(code: .weakPublicKey, reason: "X25519 with this peer key gives the all-zero secret (low-order point)")
            }
            return secret
        }

        /// Read access to the 32-byte scalar, for wrapping it by the caller.
        public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try scalar.withUnsafeBytes(body)
        }

        /// Overwrites the scalar with zeros now (best-effort; see ``SecureBytes``).
        public mutating func wipe() { scalar.wipe() }

        /// Shows only the public key.
        public var description: String { "X25519.PrivateKey(public: \(publicKey.rawRepresentation.hexString))" }
    }

    /// A public key (a u-coordinate, 32 bytes).
    public struct PublicKey: Sendable, Hashable {
        /// The 32 raw bytes.
        public let rawRepresentation: [UInt8]

        /// A key from its 32 raw bytes.
        /// - Throws: ``CryptoError`` `invalidLength` for another length.
        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == X25519.byteCount else {
                throw CryptoError.invalidLength("X25519 public key", expected: X25519.byteCount, actual: rawRepresentation.count)
            }
            self.rawRepresentation = rawRepresentation
        }
    }
}
