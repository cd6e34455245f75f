/// What Argon2id costs a deployment accepts and what it wants: stored parameters below
/// ``floor`` are refused (an attacker who can edit the stored parameters must not be able to
/// weaken the key derivation), parameters below ``target`` still work but are reported as
/// needing a rehash, and parameters above ``ceiling`` are refused (so a tampered file cannot
/// make the process allocate unbounded memory).
///
/// `crypto_pwhash_str_needs_rehash` reports any difference from the current parameters; a vault
/// stores its parameters as JSON, not as an encoded hash string, so this applies the same idea
/// to the stored values and only flags parameters *weaker* than the target.
public struct PasswordHashPolicy: Sendable, Hashable {
    /// The weakest parameters accepted.
    public let floor: PasswordHashParameters
    /// The parameters used for new keys; anything weaker needs a rehash.
    public let target: PasswordHashParameters
    /// The strongest parameters accepted.
    public let ceiling: PasswordHashParameters

    /// A policy; `floor ≤ target ≤ ceiling` is checked.
    /// - Throws: ``CryptoError`` `invalidParameter` when the bounds are out of order.
    public init(
        floor: PasswordHashParameters,
        target: PasswordHashParameters,
        ceiling: PasswordHashParameters = .init(opsLimit: 16, memLimit: 4 << 30)
    ) throws {
        guard !target.isWeaker(than: floor), !ceiling.isWeaker(than: target) else {
            throw CryptoError.invalidParameter(
                "Argon2id policy",
                "needs floor ≤ target ≤ ceiling (floor \(floor), target \(target), ceiling \(ceiling))"
            )
        }
        self.floor = floor
        self.target = target
        self.ceiling = ceiling
    }

    /// Floor INTERACTIVE, target MODERATE, ceiling 16 passes / 4 GiB.
    public static let standard = try! PasswordHashPolicy(floor: .interactive, target: .moderate)
    /// Floor and target INTERACTIVE: fast enough for tests and small machines.
    public static let interactive = try! PasswordHashPolicy(floor: .interactive, target: .interactive)

    /// Throws unless `stored` lies between ``floor`` and ``ceiling``.
    /// - Throws: ``CryptoError`` `invalidParameter` naming the bound that was crossed.
    public func check(_ stored: PasswordHashParameters) throws {
        if stored.isWeaker(than: floor) {
            throw CryptoError.invalidParameter(
                "stored Argon2id parameters",
                "\(stored) is below the policy floor \(floor); refusing a weakened key derivation"
            )
        }
        if ceiling.isWeaker(than: stored) {
            throw CryptoError.invalidParameter("stored Argon2id parameters", "\(stored) is above the policy ceiling \(ceiling)")
        }
    }

    /// Whether a key derived with `stored` should be derived again with ``target``.
    public func needsRehash(_ stored: PasswordHashParameters) -> Bool {
        stored.isWeaker(than: target)
    }
}
