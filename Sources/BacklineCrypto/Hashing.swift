public import BacklineCore
internal import COpenSSL
internal import CSodium

/// SHA-256. One-shot hashing uses OpenSSL's `EVP_Digest`, which uses the CPU's SHA extensions
/// (about 4× libsodium's portable code on this machine, which matters for audit-log
/// verification); the incremental ``Hasher`` uses libsodium's `crypto_hash_sha256`.
public enum SHA256 {
    /// Digest length in bytes (32).
    public static let digestCount = Int(crypto_hash_sha256_bytes())

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestCount)
        digest.withUnsafeMutableBytes { hash(bytes, into: $0) }
        return digest
    }

    /// Writes the SHA-256 digest of `bytes` into the first 32 bytes of `digest` (no allocation).
    public static func hash(_ bytes: UnsafeRawBufferPointer, into digest: UnsafeMutableRawBufferPointer) {
        precondition(digest.count >= digestCount, "SHA-256 digest buffer must hold 32 bytes")
        var length: UInt32 = 0
        let empty: UInt8 = 0
        let status = withUnsafePointer(to: empty) { emptyPointer in
            EVP_Digest(
                bytes.baseAddress ?? UnsafeRawPointer(emptyPointer),
                bytes.count,
                digest.baseAddress!.assumingMemoryBound(to: UInt8.self),
                &length,
                EVP_sha256(),
                nil
            )
        }
        // EVP_Digest with the built-in SHA-256 cannot fail short of memory corruption.
        precondition(status == 1 && length == UInt32(digestCount), "EVP_Digest(SHA-256) failed")
    }

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: some ContiguousBytes) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Incremental SHA-256 for data that arrives in pieces.
    public struct Hasher: Sendable {
        private var state = crypto_hash_sha256_state()

        /// A fresh hasher.
        public init() {
            SodiumRuntime.ensureInitialized()
            crypto_hash_sha256_init(&state)
        }

        /// Adds `bytes` to the digest.
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            _ = crypto_hash_sha256_update(&state, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        }

        /// Adds `bytes` to the digest.
        public mutating func update(_ bytes: some ContiguousBytes) {
            bytes.withUnsafeBytes { update($0) }
        }

        /// The digest of everything added.
        public mutating func finalize() -> [UInt8] {
            var digest = [UInt8](repeating: 0, count: SHA256.digestCount)
            crypto_hash_sha256_final(&state, &digest)
            return digest
        }
    }
}

/// BLAKE2b (libsodium `crypto_generichash`), optionally keyed.
public enum BLAKE2b {
    /// The BLAKE2b digest of `bytes` with `outputCount` bytes (16…64), keyed if `key` is given.
    public static func hash(_ bytes: some ContiguousBytes, outputCount: Int = 32, key: SecureBytes? = nil) throws -> [UInt8] {
        SodiumRuntime.ensureInitialized()
        guard outputCount >= Int(crypto_generichash_bytes_min()), outputCount <= Int(crypto_generichash_bytes_max()) else {
            throw CryptoError.invalidLength("BLAKE2b output", expected: Int(crypto_generichash_bytes()), actual: outputCount)
        }
        var digest = [UInt8](repeating: 0, count: outputCount)
        let status: Int32 = bytes.withUnsafeBytes { input in
            func run(_ keyPointer: UnsafeRawBufferPointer?) -> Int32 {
                crypto_generichash(
                    &digest,
                    outputCount,
                    input.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    UInt64(input.count),
                    keyPointer?.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    keyPointer?.count ?? 0
                )
            }
            if let key { return key.withUnsafeBytes { run($0) } }
            return run(nil)
        }
        guard status == 0 else {
            throw CryptoError(code: .libraryFailure, reason: "crypto_generichash failed (key length \(key?.count ?? 0))")
        }
        return digest
    }
}

/// Byte containers that expose contiguous storage: `[UInt8]`, `ArraySlice<UInt8>`, `Data`…
public typealias ContiguousBytes = BacklineCore.ContiguousByteStorage
