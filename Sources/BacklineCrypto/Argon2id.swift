public import BacklineCore
internal import CSodium

/// Keys from passphrases with Argon2id v1.3 (`crypto_pwhash`, `crypto_pwhash_ALG_ARGON2ID13`).
///
/// Deliberately slow and memory-hard: call the async form from tasks, which runs the derivation
/// on ``BlockingExecutor`` threads.
public enum Argon2id {
    /// Salt length (16).
    public static let saltCount = Int(crypto_pwhash_saltbytes())

    /// A fresh random salt.
    public static func makeSalt() -> [UInt8] { SecureRandom.bytes(saltCount) }

    /// Derives a 32-byte key from `passphrase` and `salt` with `parameters`, after checking them
    /// against `policy`.
    /// - Throws: ``CryptoError`` `invalidParameter` for parameters outside the policy,
    ///   `invalidLength` for a wrong salt, `libraryFailure` if libsodium cannot allocate.
    public static func deriveKey(
        from passphrase: SecureBytes,
        salt: [UInt8],
        parameters: PasswordHashParameters,
        policy: PasswordHashPolicy = .standard
    ) throws -> SymmetricKey {
        SodiumRuntime.ensureInitialized()
        try policy.check(parameters)
        guard salt.count == saltCount else { throw CryptoError.invalidLength("Argon2id salt", expected: saltCount, actual: salt.count) }
        guard passphrase.count > 0 else { throw CryptoError.invalidParameter("passphrase", "is empty") }
        guard let memLimit = Int(exactly: parameters.memLimit) else {
            throw CryptoError.invalidParameter("Argon2id memlimit", "\(parameters.memLimit) does not fit this platform")
        }
        var status: Int32 = 0
        let key = passphrase.withUnsafeBytes { password in
            SecureBytes(unsafeUninitializedCapacity: SymmetricKey.byteCount) { output in
                status = password.withMemoryRebound(to: CChar.self) { passwordChars in
                    crypto_pwhash(
                        output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        UInt64(output.count),
                        passwordChars.baseAddress!,
                        UInt64(passwordChars.count),
                        salt,
                        parameters.opsLimit,
                        memLimit,
                        crypto_pwhash_ALG_ARGON2ID13
                    )
                }
            }
        }
        guard status == 0 else { throw CryptoError.libraryFailure("crypto_pwhash (out of memory?)", status: status) }
        return try SymmetricKey(secureBytes: key)
    }

    /// The same derivation on a ``BlockingExecutor`` thread, so tasks are not blocked.
    public static func deriveKey(
        from passphrase: SecureBytes,
        salt: [UInt8],
        parameters: PasswordHashParameters,
        policy: PasswordHashPolicy = .standard,
        executor: BlockingExecutor = .shared
    ) async throws -> SymmetricKey {
        try await executor.run { try deriveKey(from: passphrase, salt: salt, parameters: parameters, policy: policy) }
    }
}
