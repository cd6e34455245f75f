public import BacklineCore
internal import CSodium

/// Subkeys from one master key (`crypto_kdf_derive_from_key`: BLAKE2b keyed with the master key,
/// the subkey id as salt and an 8-byte context as personalisation).
public enum KeyDerivation {
    /// Shortest subkey (16 bytes).
    public static let minimumSubkeyCount = Int(crypto_kdf_bytes_min())
    /// Longest subkey (64 bytes).
    public static let maximumSubkeyCount = Int(crypto_kdf_bytes_max())

    /// An 8-byte context naming what the subkeys are for (for example `"BKLVwrap"`), so keys for
    /// different purposes never coincide.
    public struct Context: Sendable, Hashable, CustomStringConvertible {
        /// The 8 context bytes.
        public let bytes: [UInt8]

        /// A context from exactly 8 ASCII characters.
        /// - Throws: ``CryptoError`` `invalidParameter` for another length or non-ASCII text.
        public init(_ text: String) throws {
            let utf8 = Array(text.utf8)
            guard utf8.count == Int(crypto_kdf_contextbytes()), utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else {
                throw CryptoError.invalidParameter(
                    "KDF context",
                    "must be exactly \(crypto_kdf_contextbytes()) printable ASCII characters, got \(utf8.count) bytes"
                )
            }
            bytes = utf8
        }

        /// The context text.
        public var description: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The subkey number `id` of `master` for `context`, `count` bytes long (16…64).
    /// - Throws: ``CryptoError`` `invalidParameter` for a length outside 16…64.
    public static func deriveSubkey(
        from master: SymmetricKey,
        id: UInt64,
        context: Context,
        count: Int = SymmetricKey.byteCount
    ) throws -> SecureBytes {
        SodiumRuntime.ensureInitialized()
        guard count >= minimumSubkeyCount, count <= maximumSubkeyCount else {
            throw CryptoError.invalidParameter(
                "KDF subkey length",
                "must be \(minimumSubkeyCount)…\(maximumSubkeyCount) bytes, got \(count)"
            )
        }
        var status: Int32 = 0
        let subkey = SecureBytes(unsafeUninitializedCapacity: count) { output in
            status = context.bytes.withUnsafeBufferPointer { contextBuffer in
                contextBuffer.withMemoryRebound(to: CChar.self) { contextChars in
                    master.withKeyPointer { masterPointer in
                        crypto_kdf_derive_from_key(
                            output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            count,
                            id,
                            contextChars.baseAddress!,
                            masterPointer
                        )
                    }
                }
            }
        }
        guard status == 0 else { throw CryptoError.libraryFailure("crypto_kdf_derive_from_key", status: status) }
        return subkey
    }

    /// A 32-byte subkey as a ``SymmetricKey``.
    public static func deriveKey(from master: SymmetricKey, id: UInt64, context: Context) throws -> SymmetricKey {
        try SymmetricKey(secureBytes: deriveSubkey(from: master, id: id, context: context))
    }
}
