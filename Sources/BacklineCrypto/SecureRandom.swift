public import BacklineCore
internal import CSodium

/// Cryptographically secure randomness from libsodium (`randombytes_buf`, the OS CSPRNG).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        SodiumRuntime.ensureInitialized()
        var result = [UInt8](repeating: 0, count: count)
        if count > 0 { randombytes_buf(&result, count) }
        return result
    }

    /// `count` random bytes in locked memory, for keys.
    public static func secureBytes(_ count: Int) -> SecureBytes {
        SodiumRuntime.ensureInitialized()
        return SecureBytes(unsafeUninitializedCapacity: count) { buffer in
            if count > 0 { randombytes_buf(buffer.baseAddress!, count) }
        }
    }

    /// A uniform random `UInt64`.
    public static func uint64() -> UInt64 {
        SodiumRuntime.ensureInitialized()
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { randombytes_buf($0.baseAddress!, 8) }
        return value
    }
}

/// A `RandomNumberGenerator` backed by libsodium's CSPRNG, for privacy noise and secret seeds.
public struct SecureRandomGenerator: RandomNumberGenerator, Sendable {
    /// A generator drawing from libsodium's CSPRNG.
    public init() {}
    /// The next uniform random `UInt64`.
    public mutating func next() -> UInt64 { SecureRandom.uint64() }
}
