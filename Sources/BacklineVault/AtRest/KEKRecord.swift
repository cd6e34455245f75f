internal import BacklineCore
internal import BacklineCrypto

/// What the manifest stores about the current key-encryption key: its version, where it comes
/// from, a check value, and for a passphrase the Argon2id salt and costs.
struct KEKRecord: Codable, Sendable, Equatable {
    /// Where a KEK comes from.
    enum Source: String, Codable, Sendable {
        /// A 32-byte key file.
        case keyFile = "key_file"
        /// A passphrase through Argon2id.
        case passphrase
    }

    /// Argon2id salt and costs of a passphrase KEK.
    struct Argon2Record: Codable, Sendable, Equatable {
        /// 16-byte salt, hex.
        var salt: String
        /// Stored costs.
        var parameters: PasswordHashParameters

        enum CodingKeys: String, CodingKey {
            case salt
            case parameters
        }
    }

    /// 1, 2, …; +1 on every rotation.
    var version: UInt32
    /// Key file or passphrase.
    var source: Source
    /// Nonce ‖ tag of an AEAD over nothing (see ``KEKCheck``), hex.
    var check: String
    /// Present for a passphrase KEK.
    var argon2id: Argon2Record?

    func validate(path: String) throws {
        guard version >= 1 else { throw VaultAtRestError.at(.manifest, path, "kek.version must be at least 1") }
        _ = try Hex.decode(check, count: KEKCheck.count, field: "kek.check", path: path)
        switch source {
        case .keyFile:
            guard argon2id == nil else { throw VaultAtRestError.at(.manifest, path, "kek.argon2id is set for a key-file KEK") }
        case .passphrase:
            guard let argon2id else { throw VaultAtRestError.at(.manifest, path, "kek.argon2id is missing for a passphrase KEK") }
            _ = try Hex.decode(argon2id.salt, count: Argon2id.saltCount, field: "kek.argon2id.salt", path: path)
        }
    }
}
