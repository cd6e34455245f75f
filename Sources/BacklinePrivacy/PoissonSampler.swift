public import BacklineCore
internal import BacklineCrypto

/// Poisson sampling of members for a round: each member is in independently with probability q,
/// decided by a keyed PRF (BLAKE2b keyed with a secret 32-byte seed, over the round and the member
/// index) so a restarted round picks the same members and nobody without the seed can predict them.
///
/// Membership is `PRF(round ‖ member) < ⌊q·2^64⌋` on a 64-bit output: exact up to 2^−64 per member;
/// q = 1 takes everyone without consulting the PRF.
public struct PoissonSampler: Sendable {
    /// The sampling rate q in (0, 1].
    public let rate: Double
    private let seed: SecureBytes
    private let threshold: UInt64

    /// Length of the secret seed.
    public static let seedCount = 32

    /// A sampler at `rate` keyed by `seed` (32 secret bytes, e.g. from `SecureRandom.secureBytes(32)`).
    /// - Throws: `invalid_parameter` for q outside (0, 1] or a seed of the wrong length.
    public init(rate: Double, seed: SecureBytes) throws {
        guard rate.isFinite, rate > 0, rate <= 1 else {
            throw PrivacyError.invalidParameter("sampling rate q", rate, expected: "a number in (0, 1]")
        }
        guard seed.count == Self.seedCount else {
            throw PrivacyError.invalidParameter("sampling seed length", seed.count, expected: "\(Self.seedCount) bytes")
        }
        self.rate = rate
        self.seed = seed
        self.threshold = rate == 1 ? .max : UInt64(rate * 0x1p64)
    }

    /// Whether `member` takes part in `round`.
    public func includes(member: UInt64, round: UInt64) throws -> Bool {
        if rate == 1 { return true }
        var message = [UInt8](repeating: 0, count: 24)
        let label: UInt64 = 0x6261_636b_6c69_6e65  // "backline"
        for byte in 0..<8 {
            message[byte] = UInt8(truncatingIfNeeded: label >> (8 * byte))
            message[8 + byte] = UInt8(truncatingIfNeeded: round >> (8 * byte))
            message[16 + byte] = UInt8(truncatingIfNeeded: member >> (8 * byte))
        }
        let digest = try BLAKE2b.hash(message, outputCount: 16, key: seed)
        var word: UInt64 = 0
        for byte in 0..<8 { word |= UInt64(digest[byte]) << (8 * byte) }
        return word < threshold
    }

    /// The indices in 0..<`memberCount` that take part in `round`, ascending.
    public func sample(memberCount: Int, round: UInt64) throws -> [Int] {
        guard memberCount >= 0 else {
            throw PrivacyError.invalidParameter("member count", memberCount, expected: "≥ 0")
        }
        return try (0..<memberCount).filter { try includes(member: UInt64($0), round: round) }
    }
}
