import BacklineCore
import BacklineModel
import Testing

/// The bulk copies of ``SafeTensors``: every bit of every value in place, at every offset and
/// odd length (slices of 4096 values and their tails), checked against an element-by-element
/// reference encoding written here; NaN and ±Inf found wherever they sit.
@Suite struct SafeTensorsBulkCopyTests {
    /// Values a wrong copy, byte order or conversion would alter.
    static let special: [Float] = [
        -0.0, 0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Float(bitPattern: 0x007F_FFFF),
        -Float(bitPattern: 0x0040_0001), .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        1, -1, .ulpOfOne, 0x1.fffffep-1, Float(bitPattern: 0x0102_0304),
    ]

    /// `count` finite values with arbitrary bit patterns (exponent never all ones), specials first.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            if index < special.count { return special[index] }
            let bits = UInt32.random(in: 0...UInt32.max, using: &generator)
            let exponent = (bits >> 23) & 0xFF
            return Float(bitPattern: exponent == 0xFF ? bits ^ 0x0080_0000 : bits)
        }
    }

    /// The data section as an element-by-element little-endian writer would produce it.
    static func referenceData(_ parameters: ParameterSet) -> [UInt8] {
        var bytes: [UInt8] = []
        for name in parameters.names {
            for value in parameters[name]!.values {
                let bits = value.bitPattern
                bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
            }
        }
        return bytes
    }

    /// The first index where the bit patterns differ (or the shorter length), nil if identical:
    /// a short failure message even for a million values.
    static func firstDifference(_ left: [Float], _ right: [Float]) -> Int? {
        if let index = left.indices.first(where: { $0 < right.count && left[$0].bitPattern != right[$0].bitPattern }) { return index }
        return left.count == right.count ? nil : min(left.count, right.count)
    }

    static func file(header: String, data: [UInt8]) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
    }

    static func set(_ shapes: [(String, [Int])], seed: UInt64) throws -> ParameterSet {
        var entries: [(String, Tensor)] = []
        for (index, (name, shape)) in shapes.enumerated() {
            let count = shape.reduce(1, *)
            entries.append((name, try Tensor(shape: shape, values: values(count, seed: seed + UInt64(index)))))
        }
        return try ParameterSet(entries)
    }

    @Test(arguments: [
        [("one", [1])],
        [("odd", [4097])],
        [("slice", [4096]), ("tail", [4095]), ("next", [3, 4099])],
        [("empty", [0]), ("special", [14]), ("after_empty", [2, 0]), ("big", [1123, 7])],
        [("factors", [17_632, 64])],
    ])
    func everyBitRoundTripsAtEveryOffset(shapes: [(String, [Int])]) throws {
        let parameters = try Self.set(shapes, seed: 11)
        let bytes = try SafeTensors.encode(parameters, metadata: ["k": "v"])
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let data = Array(bytes[(8 + headerLength)...])
        let reference = Self.referenceData(parameters)
        #expect(data.count == reference.count)
        #expect(data.indices.first { $0 < reference.count && data[$0] != reference[$0] } == nil, "encoded data differs from the reference")
        let decoded = try SafeTensors.decode(bytes)
        #expect(decoded.metadata == ["k": "v"])
        #expect(Set(decoded.parameters.names) == Set(parameters.names))
        for name in parameters.names {
            #expect(decoded.parameters[name]!.shape == parameters[name]!.shape)
            #expect(Self.firstDifference(decoded.parameters[name]!.values, parameters[name]!.values) == nil, "\(name)")
        }
    }

    /// Another writer's file: a header whose length is not a multiple of 8 (so the data section
    /// is unaligned) and entries listed out of offset order.
    @Test func unalignedDataFromAnotherWriterDecodesExactly() throws {
        let first = Self.values(5, seed: 3)
        let second = Self.values(4099, seed: 4)
        let reference = try ParameterSet([
            ("b", Tensor(shape: [5], values: first)), ("a", Tensor(shape: [4099], values: second)),
        ])
        let header =
            #"{ "a":{"dtype":"F32","shape":[4099],"data_offsets":[20,16416]},"b":{"shape":[5],"dtype":"F32","data_offsets":[0,20]}}"#
        #expect(header.utf8.count % 4 != 0)
        let decoded = try SafeTensors.decode(Self.file(header: header, data: Self.referenceData(reference))).parameters
        #expect(Self.firstDifference(decoded["a"]!.values, second) == nil)
        #expect(Self.firstDifference(decoded["b"]!.values, first) == nil)
    }

    /// NaN (quiet, signalling, negative) and ±Inf at the start, at a slice boundary, in a tail
    /// and at the very end are refused with the tensor and element named.
    @Test(arguments: [0x7FC0_0000, 0x7F80_0001, 0xFFC0_0000, 0x7F80_0000, 0xFF80_0000] as [UInt32], [0, 4095, 4096, 8200, 8202])
    func nonFiniteValuesAreFoundWhereverTheySit(bits: UInt32, index: Int) throws {
        var values = Self.values(8203, seed: 9)
        values[index] = Float(bitPattern: bits)
        let clean = try ParameterSet([
            ("first", Tensor(shape: [6], values: Self.values(6, seed: 1))),
            ("second", Tensor(shape: [8203], values: Self.values(8203, seed: 9))),
        ])
        var data = Self.referenceData(clean)
        withUnsafeBytes(of: bits.littleEndian) { data.replaceSubrange((24 + index * 4)..<(28 + index * 4), with: $0) }
        let header =
            #"{"first":{"dtype":"F32","shape":[6],"data_offsets":[0,24]},"second":{"dtype":"F32","shape":[8203],"data_offsets":[24,32836]}}"#
        do {
            _ = try SafeTensors.decode(Self.file(header: header, data: data))
            Issue.record("decoded a tensor holding bits \(String(bits, radix: 16)) at \(index)")
        } catch let error as ModelError {
            #expect(error.code == .nonFinite)
            #expect(error.reason.contains("'second' element \(index)"), "\(error.reason)")
        }
        var dirty = clean
        try dirty.setValues("second", values)
        do {
            _ = try SafeTensors.encode(dirty)
            Issue.record("encoded a tensor holding bits \(String(bits, radix: 16)) at \(index)")
        } catch let error as ModelError {
            #expect(error.code == .nonFinite)
            #expect(error.reason.contains("'second'"), "\(error.reason)")
        }
    }

    /// A shape whose value count (2⁶² + 1 = 242 243 305 × 19 037 413 721, both dimensions below 2⁵³)
    /// times 4 wraps around to the 4 bytes on offer: refused as a shape error, nothing allocated or read.
    @Test func aShapeWhoseByteCountWrapsIsRefused() {
        #expect(242_243_305 * 19_037_413_721 == (1 << 62) + 1)
        let header = #"{"a":{"dtype":"F32","shape":[242243305,19037413721],"data_offsets":[0,4]}}"#
        #expect(throws: ModelError(code: .invalidShape, reason: "")) {
            try SafeTensors.decode(Self.file(header: header, data: [0, 0, 0, 0]))
        }
    }

    @Test func theFirstTensorInNameOrderHoldingANaNIsNamedOnEncode() throws {
        var set = try Self.set([("a", [3]), ("b", [5000]), ("c", [2])], seed: 5)
        try set.setValues("c", [.nan, 0])
        var b = set["b"]!.values
        b[4999] = -.infinity
        try set.setValues("b", b)
        #expect(throws: ModelError(code: .nonFinite, reason: "")) { try SafeTensors.encode(set) }
        do { _ = try SafeTensors.encode(set) } catch let error as ModelError { #expect(error.reason.contains("'b'")) }
    }
}
