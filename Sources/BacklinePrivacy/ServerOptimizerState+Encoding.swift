extension ServerOptimizerState {
    private static let magic: [UInt8] = Array("BLOS".utf8)
    private static let formatVersion: UInt8 = 1

    /// The state as bytes for storage: `BLOS`, format 1, the step and both moments (count, then
    /// little-endian float32 values).
    public func encoded() -> [UInt8] {
        var bytes = Self.magic + [Self.formatVersion]
        func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        append(UInt64(max(step, 0)))
        for moment in [firstMoment, secondMoment] {
            append(UInt64(moment.count))
            bytes.reserveCapacity(bytes.count + moment.count * 4)
            for value in moment { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        }
        return bytes
    }

    /// A state read back from ``encoded()`` bytes.
    /// - Throws: `invalid_parameter` for a wrong header, a truncated or oversized body, or a
    ///   non-finite moment.
    public init(decoding bytes: [UInt8]) throws {
        func bad(_ detail: String) -> PrivacyError {
            .invalidParameter("stored optimizer state", detail, expected: "the BLOS format 1 written by encoded()")
        }
        guard bytes.count >= 5 + 24, Array(bytes[0..<4]) == Self.magic, bytes[4] == Self.formatVersion else { throw bad("bad header") }
        var offset = 5
        func integer() throws -> UInt64 {
            guard offset + 8 <= bytes.count else { throw bad("truncated") }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            offset += 8
            return value
        }
        func moment() throws -> [Float] {
            let count = try integer()
            guard count <= UInt64((bytes.count - offset) / 4) else { throw bad("truncated moment") }
            var values = [Float](repeating: 0, count: Int(count))
            for index in values.indices {
                var pattern: UInt32 = 0
                for byte in 0..<4 { pattern |= UInt32(bytes[offset + byte]) << (8 * UInt32(byte)) }
                offset += 4
                values[index] = Float(bitPattern: pattern)
                guard values[index].isFinite else { throw bad("non-finite moment") }
            }
            return values
        }
        let step = try integer()
        guard step <= UInt64(Int.max) else { throw bad("step out of range") }
        let first = try moment()
        let second = try moment()
        guard offset == bytes.count, first.count == second.count else { throw bad("moments differ in length or trailing bytes") }
        self.init(firstMoment: first, secondMoment: second, step: Int(step))
    }
}
