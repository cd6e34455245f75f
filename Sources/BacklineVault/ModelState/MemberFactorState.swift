internal import BacklineCore

/// A node's member factors at rest: one row of `factors` floats per member id, and a tag naming
/// the model file they were solved against. The vault does not know the model; it stores raw
/// floats, their shape and the member ids (stream ``streamName``, encrypted like every stream).
///
/// Encoding (little-endian): magic `BLMF`, version `u32`, factors `u32`, members `u64`, tag
/// length `u32`, tag (UTF-8), member ids (`i64` each), values (`f32` each, row-major).
public struct MemberFactorState: Sendable, Equatable {
    /// The vault stream that holds the state.
    public static let streamName = "member_factors"
    /// Version of the encoding.
    public static let formatVersion: UInt32 = 1
    /// Longest accepted model tag, in bytes.
    public static let maximumTagCount = 256
    /// Most factors per member accepted.
    public static let maximumFactors = 4096
    /// Most members accepted.
    public static let maximumMembers = 50_000_000
    static let magic: [UInt8] = Array("BLMF".utf8)
    static let headerCount = 4 + 4 + 4 + 8 + 4

    /// Member ids, one per row, strictly ascending.
    public let memberIDs: [Int64]
    /// Factors per member.
    public let factors: Int
    /// Row-major values, `memberIDs.count × factors`, all finite.
    public let values: [Float]
    /// Names the model these factors belong to (e.g. a digest of the model file).
    public let modelTag: String

    /// A checked state.
    /// - Throws: ``VaultError`` `invalidParameter` for a bad shape, unsorted or repeated ids, a
    ///   non-finite value or an oversized tag.
    public init(memberIDs: [Int64], factors: Int, values: [Float], modelTag: String) throws {
        guard (1...Self.maximumFactors).contains(factors) else {
            throw VaultError.invalidParameter("member factors: factors must be 1…\(Self.maximumFactors), got \(factors)")
        }
        guard memberIDs.count <= Self.maximumMembers else {
            throw VaultError.invalidParameter("member factors: \(memberIDs.count) members exceed \(Self.maximumMembers)")
        }
        guard values.count == memberIDs.count * factors else {
            throw VaultError.invalidParameter("member factors: \(values.count) values for \(memberIDs.count) members × \(factors) factors")
        }
        guard modelTag.utf8.count <= Self.maximumTagCount else {
            throw VaultError.invalidParameter("member factors: model tag longer than \(Self.maximumTagCount) bytes")
        }
        for index in memberIDs.indices.dropFirst() where memberIDs[index - 1] >= memberIDs[index] {
            throw VaultError.invalidParameter("member factors: member ids not strictly ascending at row \(index) (id \(memberIDs[index]))")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw VaultError.invalidParameter("member factors: non-finite value at row \(bad / factors), factor \(bad % factors)")
        }
        self.memberIDs = memberIDs
        self.factors = factors
        self.values = values
        self.modelTag = modelTag
    }

    /// Number of members.
    public var memberCount: Int { memberIDs.count }

    /// Row of member `id`, if present.
    public func row(of id: Int64) -> Int? {
        var low = 0
        var high = memberIDs.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if memberIDs[middle] == id { return middle }
            if memberIDs[middle] < id { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    /// The factors of row `row`.
    public func factors(ofRow row: Int) -> ArraySlice<Float> { values[row * factors..<(row + 1) * factors] }

    /// Bytes a state of this shape encodes to.
    static func encodedCount(members: Int, factors: Int, tagCount: Int) -> Int {
        headerCount + tagCount + members * 8 + members * factors * 4
    }

    /// The encoded bytes.
    public func encode() -> [UInt8] {
        let tag = Array(modelTag.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.encodedCount(members: memberCount, factors: factors, tagCount: tag.count))
        bytes += Self.magic
        LittleEndianCodec.append(Self.formatVersion, to: &bytes)
        LittleEndianCodec.append(UInt32(factors), to: &bytes)
        LittleEndianCodec.append(UInt64(memberCount), to: &bytes)
        LittleEndianCodec.append(UInt32(tag.count), to: &bytes)
        bytes += tag
        for id in memberIDs { LittleEndianCodec.append(UInt64(bitPattern: id), to: &bytes) }
        for value in values { LittleEndianCodec.append(value.bitPattern, to: &bytes) }
        return bytes
    }

    /// Decodes and checks encoded bytes.
    /// - Throws: ``VaultError`` `corrupt` for a bad magic, size or value, `unsupportedVersion`,
    ///   `truncated` when bytes are missing.
    public init(decoding bytes: [UInt8]) throws {
        let what = "stream \(Self.streamName)"
        let header = try Self.decodeHeader(bytes)
        let expected = Self.encodedCount(members: header.members, factors: header.factors, tagCount: header.tagCount)
        guard bytes.count >= expected else { throw VaultError.truncated(what) }
        guard bytes.count == expected else { throw VaultError.corrupt(what, "\(bytes.count - expected) bytes after the last value") }
        var offset = Self.headerCount
        guard let tag = String(validating: bytes[offset..<offset + header.tagCount], as: UTF8.self) else {
            throw VaultError.corrupt(what, "model tag is not UTF-8")
        }
        offset += header.tagCount
        var ids = [Int64](repeating: 0, count: header.members)
        for index in ids.indices { ids[index] = Int64(bitPattern: LittleEndianCodec.read(UInt64.self, bytes, at: offset + index * 8)) }
        offset += header.members * 8
        var values = [Float](repeating: 0, count: header.members * header.factors)
        for index in values.indices {
            values[index] = Float(bitPattern: LittleEndianCodec.read(UInt32.self, bytes, at: offset + index * 4))
        }
        do {
            try self.init(memberIDs: ids, factors: header.factors, values: values, modelTag: tag)
        } catch let error as VaultError {
            throw VaultError.corrupt(what, error.reason)
        }
    }

    /// Magic, version and counts from the first ``headerCount`` bytes.
    static func decodeHeader(_ bytes: [UInt8]) throws -> (factors: Int, members: Int, tagCount: Int) {
        let what = "stream \(streamName)"
        guard bytes.count >= headerCount else { throw VaultError.truncated(what) }
        guard Array(bytes[0..<4]) == magic else { throw VaultError.corrupt(what, "bad magic") }
        let version = LittleEndianCodec.read(UInt32.self, bytes, at: 4)
        guard version == formatVersion else {
            throw VaultError.unsupportedVersion(what, found: Int(version), supported: Int(formatVersion))
        }
        let factors = Int(LittleEndianCodec.read(UInt32.self, bytes, at: 8))
        let members = LittleEndianCodec.read(UInt64.self, bytes, at: 12)
        let tagCount = Int(LittleEndianCodec.read(UInt32.self, bytes, at: 20))
        guard (1...maximumFactors).contains(factors) else {
            throw VaultError.corrupt(what, "factors \(factors) out of 1…\(maximumFactors)")
        }
        guard members <= UInt64(maximumMembers) else { throw VaultError.corrupt(what, "member count \(members) exceeds \(maximumMembers)") }
        guard tagCount <= maximumTagCount else { throw VaultError.corrupt(what, "model tag length \(tagCount) exceeds \(maximumTagCount)") }
        return (factors, Int(members), tagCount)
    }
}
