internal import BacklineCrypto

/// The production randomness for privacy noise: libsodium's CSPRNG (`randombytes_buf`, via
/// `BacklineCrypto.SecureRandom`), read 4 KiB at a time so each 64-bit word does not cost a
/// system call.
///
/// Consumed words are overwritten with zero, and the staging bytes are wiped after each refill
/// (best effort: the optimiser and the allocator may leave copies; noise values are secrets, since
/// knowing them would undo the privacy of the release).
public struct SecureNoiseSource: NoiseRandomSource, Sendable {
    private static let wordsPerRefill = 512
    private var words: [UInt64]
    private var index: Int

    /// A source drawing from libsodium's CSPRNG.
    public init() {
        words = Array(repeating: 0, count: Self.wordsPerRefill)
        index = Self.wordsPerRefill
    }

    /// The next uniform 64-bit word.
    public mutating func next() -> UInt64 {
        if index == words.count { refill() }
        let word = words[index]
        words[index] = 0
        index += 1
        return word
    }

    private mutating func refill() {
        var bytes = SecureRandom.bytes(words.count * 8)
        words.withUnsafeMutableBytes { destination in
            bytes.withUnsafeBytes { source in destination.copyMemory(from: source) }
        }
        for position in bytes.indices { bytes[position] = 0 }
        index = 0
    }
}
