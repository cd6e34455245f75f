internal import BacklineCore
internal import BacklineCrypto

/// Buffers little-endian values into a ``ByteStreamWriter`` and hashes everything written
/// (SHA-256), so the table format can end with a checksum of its own bytes.
final class TableStreamWriter {
    private let sink: any ByteStreamWriter
    private var buffer: [UInt8] = []
    private var hasher = SHA256.Hasher()
    private let capacity = 1 << 16

    init(_ sink: any ByteStreamWriter) {
        self.sink = sink
        buffer.reserveCapacity(capacity)
    }

    func bytes(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            hasher.update(bytes)
            try sink.write(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    func bytes(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try self.bytes($0) } }

    func integer<T: FixedWidthInteger>(_ value: T) throws {
        try withUnsafeBytes(of: value.littleEndian) { try bytes($0) }
    }

    func string(_ value: String) throws {
        let utf8 = Array(value.utf8)
        try integer(UInt32(utf8.count))
        try bytes(utf8)
    }

    /// Writes an array of fixed-width integers in little-endian order.
    func array<T: FixedWidthInteger>(_ values: [T]) throws {
        #if _endian(little)
        try values.withUnsafeBytes { try bytes($0) }
        #else
        for value in values { try integer(value) }
        #endif
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in
            hasher.update(raw)
            try sink.write(raw)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, appends the SHA-256 of everything written so far, and finishes the stream.
    func finishWithChecksum() throws {
        try flush()
        let digest = hasher.finalize()
        try digest.withUnsafeBytes { try sink.write($0) }
        try sink.finish()
    }
}
