public import BacklineCore
public import BacklineCrypto

/// Where the vault's key-encryption key (KEK) comes from: a 32-byte key file, or a passphrase
/// stretched with Argon2id (salt and costs kept in the manifest, checked against `policy`).
///
/// Passphrases arrive as ``SecureBytes`` (read by the CLI from an environment variable or a
/// file), never as `String`.
public struct KEKProvider: Sendable, CustomStringConvertible {
    enum Source: Sendable {
        case keyFile(String)
        case passphrase(SecureBytes, PasswordHashPolicy)
    }

    let source: Source

    /// The KEK in the key file at `path` (exactly 32 bytes, mode 0600).
    public static func keyFile(_ path: String) -> KEKProvider { KEKProvider(source: .keyFile(path)) }

    /// A KEK derived from `passphrase` with Argon2id; new keys use `policy.target`, stored costs
    /// below `policy.floor` are refused.
    public static func passphrase(_ passphrase: SecureBytes, policy: PasswordHashPolicy = .standard) -> KEKProvider {
        KEKProvider(source: .passphrase(passphrase, policy))
    }

    /// `key file <path>` or `passphrase`; never the secret.
    public var description: String {
        switch source {
        case .keyFile(let path): return "key file \(path)"
        case .passphrase: return "passphrase"
        }
    }

    /// A KEK for a new vault or a rotation to `version`, with its manifest record.
    func makeKEK(version: UInt32) throws -> (key: SymmetricKey, record: KEKRecord) {
        switch source {
        case .keyFile(let path):
            let key = try KeyFile.read(path)
            return (key, KEKRecord(version: version, source: .keyFile, check: try KEKCheck.make(kek: key, version: version), argon2id: nil))
        case .passphrase(let secret, let policy):
            let salt = Argon2id.makeSalt()
            let key = try derive(secret, salt: salt, parameters: policy.target, policy: policy)
            let argon = KEKRecord.Argon2Record(salt: Hex.encode(salt), parameters: policy.target)
            return (
                key, KEKRecord(version: version, source: .passphrase, check: try KEKCheck.make(kek: key, version: version), argon2id: argon)
            )
        }
    }

    /// The KEK `record` describes, checked against its check value.
    /// - Returns: the key and whether its stored Argon2id costs are below the policy target.
    /// - Throws: ``VaultAtRestError`` `wrongKEK` for a mismatching key or the other kind of
    ///   source, `passphraseParameters` for stored costs outside the policy, `keyFile` for a bad file.
    func openKEK(_ record: KEKRecord, manifestPath: String) throws -> (key: SymmetricKey, needsRehash: Bool) {
        let key: SymmetricKey
        var needsRehash = false
        switch (source, record.source) {
        case (.keyFile(let path), .keyFile):
            key = try KeyFile.read(path)
        case (.passphrase(let secret, let policy), .passphrase):
            guard let argon = record.argon2id else { throw VaultAtRestError.at(.manifest, manifestPath, "kek.argon2id is missing") }
            let salt = try Hex.decode(argon.salt, count: Argon2id.saltCount, field: "kek.argon2id.salt", path: manifestPath)
            key = try derive(secret, salt: salt, parameters: argon.parameters, policy: policy)
            needsRehash = policy.needsRehash(argon.parameters)
        default:
            throw VaultAtRestError.at(
                .wrongKEK,
                manifestPath,
                "the vault's KEK version \(record.version) comes from a \(record.source.rawValue), but \(self) was given"
            )
        }
        guard try KEKCheck.verify(record.check, kek: key, version: record.version, path: manifestPath) else {
            throw VaultAtRestError.at(.wrongKEK, manifestPath, "\(self) does not match the vault's KEK version \(record.version)")
        }
        return (key, needsRehash)
    }

    private func derive(
        _ secret: SecureBytes,
        salt: [UInt8],
        parameters: PasswordHashParameters,
        policy: PasswordHashPolicy
    ) throws -> SymmetricKey {
        do {
            try policy.check(parameters)
        } catch let error as CryptoError {
            throw VaultAtRestError(code: .passphraseParameters, reason: error.reason, underlying: error)
        }
        return try Argon2id.deriveKey(from: secret, salt: salt, parameters: parameters, policy: policy)
    }
}
