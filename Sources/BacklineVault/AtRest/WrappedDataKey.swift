internal import BacklineCore
internal import BacklineCrypto

/// One manifest entry: a file's data key (DEK) encrypted under the KEK, with additional data
/// `file id ‖ DEK generation (LE) ‖ KEK version (LE) ‖ name`, so an entry copied to another
/// file, generation, KEK version or name fails to unwrap.
struct WrappedDataKey: Codable, Sendable, Equatable {
    /// Stream name (`<name>.bkv`).
    var name: String
    /// 16-byte file id, hex.
    var fileID: String
    /// DEK generation the file header carries.
    var dekGeneration: UInt32
    /// KEK version the DEK is wrapped under.
    var kekVersion: UInt32
    /// 24-byte nonce, hex.
    var nonce: String
    /// 32-byte DEK + 16-byte tag, hex.
    var wrappedDEK: String

    enum CodingKeys: String, CodingKey {
        case name
        case fileID = "file_id"
        case dekGeneration = "dek_generation"
        case kekVersion = "kek_version"
        case nonce
        case wrappedDEK = "wrapped_dek"
    }

    static func additionalData(fileID: [UInt8], dekGeneration: UInt32, kekVersion: UInt32, name: String) -> [UInt8] {
        fileID + littleEndianBytes(dekGeneration) + littleEndianBytes(kekVersion) + Array(name.utf8)
    }

    /// Wraps `dek` for the file `name` / `fileID` / `dekGeneration` under `kek` at `kekVersion`.
    static func wrap(
        _ dek: SymmetricKey,
        name: String,
        fileID: [UInt8],
        dekGeneration: UInt32,
        kek: SymmetricKey,
        kekVersion: UInt32
    ) throws -> WrappedDataKey {
        let box = try dek.withUnsafeBytes { dekBytes in
            try XChaCha20Poly1305.seal(
                dekBytes,
                key: kek,
                additionalData: additionalData(fileID: fileID, dekGeneration: dekGeneration, kekVersion: kekVersion, name: name)
            )
        }
        return WrappedDataKey(
            name: name,
            fileID: Hex.encode(fileID),
            dekGeneration: dekGeneration,
            kekVersion: kekVersion,
            nonce: Hex.encode(box.nonce),
            wrappedDEK: Hex.encode(box.ciphertext)
        )
    }

    /// The DEK, if `kek` at `kekVersion` is the key this entry was wrapped under.
    /// - Throws: ``VaultAtRestError`` `staleKEK` when the entry is on another KEK version,
    ///   `keyUnwrapFailed` when authentication fails (wrong KEK or a spliced entry).
    func unwrap(kek: SymmetricKey, kekVersion currentVersion: UInt32, manifestPath: String) throws -> SymmetricKey {
        guard kekVersion == currentVersion else {
            throw VaultAtRestError.at(
                .staleKEK,
                manifestPath,
                "the data key of \(name) is wrapped under KEK version \(kekVersion), but the vault's KEK is version \(currentVersion)"
            )
        }
        let id = try Hex.decode(fileID, count: VaultFileFormat.fileIDCount, field: "file_id", path: manifestPath)
        let box = try XChaCha20Poly1305.SealedBox(
            nonce: Hex.decode(nonce, count: XChaCha20Poly1305.nonceCount, field: "nonce", path: manifestPath),
            ciphertext: Hex.decode(
                wrappedDEK,
                count: SymmetricKey.byteCount + XChaCha20Poly1305.tagCount,
                field: "wrapped_dek",
                path: manifestPath
            )
        )
        do {
            let dek = try XChaCha20Poly1305.open(
                box,
                key: kek,
                additionalData: Self.additionalData(fileID: id, dekGeneration: dekGeneration, kekVersion: kekVersion, name: name)
            )
            return try SymmetricKey(secureBytes: dek)
        } catch let error as CryptoError {
            throw VaultAtRestError.at(
                .keyUnwrapFailed,
                manifestPath,
                "the wrapped data key of \(name) (generation \(dekGeneration)) failed authentication (wrong KEK, or the entry was altered or moved)",
                underlying: error
            )
        }
    }

    func validate(path: String, index: Int) throws {
        do {
            try VaultFileName.validate(name)
        } catch {
            throw VaultAtRestError.at(.manifest, path, "files[\(index)].name is not a valid stream name", underlying: error)
        }
        _ = try Hex.decode(fileID, count: VaultFileFormat.fileIDCount, field: "files[\(index)].file_id", path: path)
        _ = try Hex.decode(nonce, count: XChaCha20Poly1305.nonceCount, field: "files[\(index)].nonce", path: path)
        _ = try Hex.decode(
            wrappedDEK,
            count: SymmetricKey.byteCount + XChaCha20Poly1305.tagCount,
            field: "files[\(index)].wrapped_dek",
            path: path
        )
        guard dekGeneration >= 1, kekVersion >= 1 else {
            throw VaultAtRestError.at(.manifest, path, "files[\(index)] needs dek_generation and kek_version of at least 1")
        }
    }
}
