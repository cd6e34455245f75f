public import BacklineCore
internal import CSodium

extension BLAKE2b {
    /// Incremental BLAKE2b (`crypto_generichash_init/update/final`) for data that arrives in
    /// pieces; gives the same digest as ``BLAKE2b/hash(_:outputCount:key:)`` over the concatenation.
    /// A value type: copies hash independently (copy-on-write of the C state).
    public struct Hasher: Sendable {
        private var storage: Storage
        private let outputCount: Int
        private var finalized = false

        /// A hasher for `outputCount` bytes (16…64), keyed if `key` (16…64 bytes) is given.
        /// - Throws: ``CryptoError`` `invalidLength` for an output or key length out of range.
        public init(outputCount: Int = 32, key: SecureBytes? = nil) throws {
            SodiumRuntime.ensureInitialized()
            guard outputCount >= Int(crypto_generichash_bytes_min()), outputCount <= Int(crypto_generichash_bytes_max()) else {
                throw CryptoError.invalidLength("BLAKE2b output", expected: Int(crypto_generichash_bytes()), actual: outputCount)
            }
            if let key, key.count < Int(crypto_generichash_keybytes_min()) || key.count > Int(crypto_generichash_keybytes_max()) {
                throw CryptoError.invalidLength("BLAKE2b key", expected: Int(crypto_generichash_keybytes()), actual: key.count)
            }
            self.outputCount = outputCount
            storage = Storage()
            let state = storage.state
            let status: Int32
            if let key {
                status = key.withUnsafeBytes { crypto_generichash_init(state, $0.bytePointer, $0.count, outputCount) }
            } else {
                status = crypto_generichash_init(state, nil, 0, outputCount)
            }
            guard status == 0 else { throw CryptoError.libraryFailure("crypto_generichash_init", status: status) }
        }

        /// Adds `bytes` to the digest.
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            precondition(!finalized, "BLAKE2b.Hasher updated after finalize()")
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            _ = crypto_generichash_update(storage.state, bytes.bytePointer, UInt64(bytes.count))
        }

        /// Adds `bytes` to the digest.
        public mutating func update(_ bytes: some ContiguousBytes) {
            bytes.withUnsafeBytes { update($0) }
        }

        /// The digest of everything added; the hasher cannot be used afterwards.
        public mutating func finalize() -> [UInt8] {
            precondition(!finalized, "BLAKE2b.Hasher finalized twice")
            finalized = true
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            var digest = [UInt8](repeating: 0, count: outputCount)
            _ = crypto_generichash_final(storage.state, &digest, outputCount)
            return digest
        }

        /// The C state, 64-byte aligned on the heap (Swift cannot import the aligned struct).
        private final class Storage: @unchecked Sendable {
            // @unchecked: mutated only through Hasher's copy-on-write path (unique owner).
            let raw: UnsafeMutableRawPointer
            static let size = crypto_generichash_statebytes()

            init() {
                raw = .allocate(byteCount: Self.size, alignment: 64)
                raw.initializeMemory(as: UInt8.self, repeating: 0, count: Self.size)
            }

            var state: OpaquePointer { OpaquePointer(raw) }

            func copy() -> Storage {
                let other = Storage()
                other.raw.copyMemory(from: raw, byteCount: Self.size)
                return other
            }

            deinit {
                sodium_memzero(raw, Self.size)
                raw.deallocate()
            }
        }
    }
}
