internal import CSodium

/// Argon2id cost parameters (`opslimit`, `memlimit` in bytes), stored beside a salt so a
/// passphrase-derived key can be derived again.
public struct PasswordHashParameters: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Passes over memory (`crypto_pwhash` `opslimit`).
    public let opsLimit: UInt64
    /// Memory in bytes (`crypto_pwhash` `memlimit`).
    public let memLimit: UInt64

    /// Parameters with the given costs (checked against a ``PasswordHashPolicy`` before use).
    public init(opsLimit: UInt64, memLimit: UInt64) {
        self.opsLimit = opsLimit
        self.memLimit = memLimit
    }

    /// libsodium's INTERACTIVE preset (2 passes, 64 MiB): the floor, and what tests use.
    public static let interactive = PasswordHashParameters(
        opsLimit: UInt64(crypto_pwhash_argon2id_opslimit_interactive()),
        memLimit: UInt64(crypto_pwhash_argon2id_memlimit_interactive())
    )
    /// libsodium's MODERATE preset (3 passes, 256 MiB): the default for new passphrase keys.
    public static let moderate = PasswordHashParameters(
        opsLimit: UInt64(crypto_pwhash_argon2id_opslimit_moderate()),
        memLimit: UInt64(crypto_pwhash_argon2id_memlimit_moderate())
    )
    /// libsodium's SENSITIVE preset (4 passes, 1 GiB).
    public static let sensitive = PasswordHashParameters(
        opsLimit: UInt64(crypto_pwhash_argon2id_opslimit_sensitive()),
        memLimit: UInt64(crypto_pwhash_argon2id_memlimit_sensitive())
    )

    /// Whether either cost is below the matching cost of `other`.
    public func isWeaker(than other: PasswordHashParameters) -> Bool {
        opsLimit < other.opsLimit || memLimit < other.memLimit
    }

    /// `opslimit=N memlimit=M MiB`.
    public var description: String { "opslimit=\(opsLimit) memlimit=\(memLimit / (1 << 20)) MiB" }

    enum CodingKeys: String, CodingKey {
        case opsLimit = "opslimit"
        case memLimit = "memlimit"
    }
}
