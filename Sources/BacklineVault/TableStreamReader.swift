internal import BacklineCore
internal import BacklineCrypto

/// Reads little-endian values from a ``ByteStreamReader`` with exact-length checks, hashing what
/// it reads; a short stream is a ``VaultError`` `truncated` naming the stream.
final class TableStreamReader {
    private let source: any ByteStreamReader
    private let name: String
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var hasher = SHA256.Hasher()

    init(_ source: any ByteStreamReader, name: String) {
        self.source = source
        self.name = name
        buffer = [UInt8](repeating: 0, count: 1 << 16)
    }

    /// Fills `target` completely or throws `truncated`.
    func read(into target: UnsafeMutableRawBufferPointer, hashing: Bool = true) throws {
        var filled = 0
        while filled < target.count {
            if start == end {
                let wanted = target.count - filled
                if wanted >= buffer.count {
                    let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: target[filled...]))
                    guard n > 0 else { throw VaultError.truncated("stream \(name)") }
                    if hashing { hasher.update(UnsafeRawBufferPointer(rebasing: target[filled..<(filled + n)])) }
                    filled += n
                    continue
                }
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                guard n > 0 else { throw VaultError.truncated("stream \(name)") }
                start = 0
                end = n
            }
            let take = min(end - start, target.count - filled)
            buffer.withUnsafeBytes { raw in
                let slice = UnsafeRawBufferPointer(rebasing: raw[start..<(start + take)])
                UnsafeMutableRawBufferPointer(rebasing: target[filled..<(filled + take)]).copyMemory(from: slice)
                if hashing { hasher.update(slice) }
            }
            start += take
            filled += take
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type = T.self) throws -> T {
        var value = T.zero
        try withUnsafeMutableBytes(of: &value) { try read(into: $0) }
        return T(littleEndian: value)
    }

    func bytes(count: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try result.withUnsafeMutableBytes { try read(into: $0) }
        return result
    }

    func string(maximumBytes: Int = 1 << 20) throws -> String {
        let count = Int(try integer(UInt32.self))
        guard count <= maximumBytes else { throw VaultError.corrupt("stream \(name)", "string of \(count) bytes exceeds \(maximumBytes)") }
        let raw = try bytes(count: count)
        guard let text = String(validating: raw, as: UTF8.self) else { throw VaultError.corrupt("stream \(name)", "string is not UTF-8") }
        return text
    }

    /// `count` little-endian integers, read in bulk chunks so that a forged count runs into the
    /// end of the stream (`truncated`) before it can make us allocate more than the stream holds.
    func array<T: FixedWidthInteger>(_ type: T.Type, count: Int) throws -> [T] {
        let chunk = 1 << 20
        var result = [T](repeating: 0, count: min(count, chunk))
        try result.withUnsafeMutableBytes { try read(into: $0) }
        while result.count < count {
            let start = result.count
            let take = min(count - start, max(chunk, start))
            result.append(contentsOf: repeatElement(0, count: take))
            try result.withUnsafeMutableBytes { raw in
                try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[(start * MemoryLayout<T>.stride)...]))
            }
        }
        #if _endian(big)
        for index in result.indices { result[index] = T(littleEndian: result[index]) }
        #endif
        return result
    }

    /// Reads the SHA-256 trailer, compares it with the hash of everything read, and requires
    /// the stream to end there.
    func verifyChecksumAndEnd() throws {
        let expected = hasher.finalize()
        var stored = [UInt8](repeating: 0, count: expected.count)
        try stored.withUnsafeMutableBytes { try read(into: $0, hashing: false) }
        guard constantTimeEquals(stored, expected) else { throw VaultError.corrupt("stream \(name)", "checksum mismatch") }
        var probe = [UInt8](repeating: 0, count: 1)
        if start < end { throw VaultError.corrupt("stream \(name)", "bytes after the end of the table") }
        let extra = try probe.withUnsafeMutableBytes { try source.read(into: $0) }
        guard extra == 0 else { throw VaultError.corrupt("stream \(name)", "bytes after the end of the table") }
    }
}
