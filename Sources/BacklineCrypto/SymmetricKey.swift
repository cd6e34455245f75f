public import BacklineCore
internal import CSodium

/// A 32-byte secret key for XChaCha20-Poly1305 (secretstream and AEAD) and `crypto_kdf`.
///
/// The bytes live in ``SecureBytes`` (locked, wiped on release). The type is deliberately not
/// `Codable` and never prints its bytes; keys leave memory only wrapped (encrypted) by a caller.
public struct SymmetricKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The length of every key of this type (32).
    public static let byteCount = 32

    private var bytes: SecureBytes

    /// A fresh random key from libsodium's CSPRNG.
    public init() {
        bytes = SecureRandom.secureBytes(Self.byteCount)
    }

    /// A key made from exactly 32 secret bytes (for example unwrapped from a manifest).
    /// - Throws: ``CryptoError`` `invalidLength` for any other length.
    public init(secureBytes: SecureBytes) throws {
        guard secureBytes.count == Self.byteCount else {
            throw CryptoError.invalidLength("symmetric key", expected: Self.byteCount, actual: secureBytes.count)
        }
        bytes = secureBytes
    }

    /// Number of key bytes (32).
    public var count: Int { bytes.count }

    /// Read access to the key bytes for the duration of `body`; the pointer must not escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    /// Overwrites the key with zeros now (best-effort; see ``SecureBytes``). Copies made before
    /// the call keep their own storage and are wiped when released.
    public mutating func wipe() { bytes.wipe() }

    /// Shows only the length, never the bytes.
    public var description: String { "SymmetricKey(\(count) bytes)" }
    /// Shows only the length, never the bytes.
    public var debugDescription: String { description }
}

extension SymmetricKey {
    /// Calls `body` with the key as the `const unsigned char *` libsodium expects.
    func withKeyPointer<R>(_ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { try body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }
}
