public import BacklineCore

/// Errors of the vault's encrypted-at-rest layer (files, key manifest, key-encryption keys).
///
/// Kept apart from the data layer's `VaultError` so both halves of the module can grow
/// independently; the name shown in messages is the same (`vault`).
public enum VaultAtRestErrorDomain: ErrorDomain { public static let name = "vault" }
/// The at-rest layer's error.
public typealias VaultAtRestError = BacklineError<VaultAtRestErrorDomain>

extension BacklineError<VaultAtRestErrorDomain>.Code {
    /// The file does not start with the vault magic `BKLV`.
    public static let notVaultFile = Self("not_vault_file")
    /// The file's format version is not one this build reads; nothing was decrypted.
    public static let unsupportedVersion = Self("unsupported_version")
    /// A header field is out of range (chunk size).
    public static let invalidHeader = Self("invalid_header")
    /// The file ends before its final chunk (no FINAL tag at end of file, or a cut chunk).
    public static let truncated = Self("truncated")
    /// Bytes follow the final chunk.
    public static let trailingData = Self("trailing_data")
    /// A chunk failed authentication: wrong key, or the file was altered, reordered or spliced.
    public static let authenticationFailed = Self("authentication_failed")
    /// The manifest holds no data key for this file id and generation.
    public static let missingKey = Self("missing_key")
    /// A wrapped data key failed authentication (wrong KEK, or an entry moved between files).
    public static let keyUnwrapFailed = Self("key_unwrap_failed")
    /// The key-encryption key given does not match the vault's current KEK.
    public static let wrongKEK = Self("wrong_kek")
    /// A data key is wrapped under a KEK version other than the vault's current one.
    public static let staleKEK = Self("stale_kek")
    /// A key file is missing, empty, the wrong size or readable by others.
    public static let keyFile = Self("key_file")
    /// Stored passphrase (Argon2id) parameters are refused by the policy.
    public static let passphraseParameters = Self("passphrase_parameters")
    /// The key manifest is malformed.
    public static let manifest = Self("manifest")
    /// A stream name is not allowed (empty, too long, path characters).
    public static let invalidName = Self("invalid_name")
    /// A writer was used after finish() or after a failure.
    public static let writerState = Self("writer_state")
    /// Another writer already holds this name.
    public static let concurrentWrite = Self("concurrent_write")
    /// The named file or vault does not exist.
    public static let notFound = Self("not_found")
    /// A vault already exists where a new one was to be created.
    public static let vaultExists = Self("vault_exists")
}

extension BacklineError where Domain == VaultAtRestErrorDomain {
    /// A failure of `code` in `path`, with a reason naming the chunk or field at fault.
    static func at(
        _ code: Code,
        _ path: String,
        _ reason: String,
        underlying: (any Error)? = nil,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(code: code, reason: "\(path): \(reason)", underlying: underlying, fileID: fileID, line: line)
    }
    /// Chunk `index` of `path` failed authentication.
    static func chunkAuthenticationFailed(
        _ path: String,
        chunk index: Int,
        underlying: (any Error)? = nil,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        at(
            .authenticationFailed,
            path,
            "chunk \(index) failed authentication (wrong key, or the file was altered, reordered or spliced)",
            underlying: underlying,
            fileID: fileID,
            line: line
        )
    }
    /// `path` ends before its final chunk; `index` is the chunk that is missing or cut.
    static func truncated(_ path: String, chunk index: Int, _ detail: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        at(.truncated, path, "truncated at chunk \(index): \(detail)", fileID: fileID, line: line)
    }
}
