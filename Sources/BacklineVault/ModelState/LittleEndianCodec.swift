/// Fixed-width little-endian integers in byte arrays, for ``MemberFactorState``.
enum LittleEndianCodec {
    /// Appends `value`'s little-endian bytes.
    static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { bytes.append(contentsOf: $0) }
    }

    /// Reads a `T` at `offset` (the caller has checked the bounds).
    static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for index in (0..<MemoryLayout<T>.size).reversed() { value = value << 8 | T(bytes[offset + index]) }
        return value
    }
}
