internal import BacklineCrypto
import Synchronization

/// The production randomness for privacy noise: libsodium's CSPRNG (`randombytes_buf`, via
/// `BacklineCrypto.SecureRandom`), read 4 KiB at a time so each 64-bit word does not cost a
/// system call.
///
/// The buffer lives in one shared, locked box, so copies of a source draw from the same stream and
/// can never hand out the same words twice (two copies of a value-type buffer would, and reused
/// noise cancels out). Consumed words are overwritten with zero, and the staging bytes are wiped
/// after each refill (best effort: the optimiser and the allocator may leave copies; noise values
/// are secrets, since knowing them would undo the privacy of the release).
public struct SecureNoiseSource: NoiseRandomSource, Sendable {
    private final class Storage: Sendable {
        struct Buffer {
            var words = [UInt64](repeating: 0, count: 512)
            var index = 512
        }
        let buffer = Mutex(Buffer())
    }

    private let storage = Storage()

    /// A source drawing from libsodium's CSPRNG.
    public init() {}

    /// The next uniform 64-bit word.
    public mutating func next() -> UInt64 {
        storage.buffer.withLock { buffer in
            if buffer.index == buffer.words.count { Self.refill(&buffer) }
            let word = buffer.words[buffer.index]
            buffer.words[buffer.index] = 0
            buffer.index += 1
            return word
        }
    }

    private static func refill(_ buffer: inout Storage.Buffer) {
        var bytes = SecureRandom.bytes(buffer.words.count * 8)
        buffer.words.withUnsafeMutableBytes { destination in
            bytes.withUnsafeBytes { source in destination.copyMemory(from: source) }
        }
        for position in bytes.indices { bytes[position] = 0 }
        buffer.index = 0
    }
}
