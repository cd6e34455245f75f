internal import BacklineCore

extension MemberFactorState {
    /// Writes the state to stream ``streamName`` of `factory` (atomically: the previous state
    /// stays until the new one is finished).
    public func store(to factory: any VaultStreamFactory) throws {
        let writer = try factory.makeWriter(name: Self.streamName)
        var bytes = encode()
        defer { bytes.zeroize() }
        try bytes.withUnsafeBytes { try writer.write($0) }
        try writer.finish()
    }

    /// The stored state, or nil when the vault has none yet.
    /// - Throws: stream errors of `factory`; the decoding errors of ``init(decoding:)``.
    public static func load(from factory: any VaultStreamFactory) throws -> MemberFactorState? {
        guard try factory.fileNames().contains(streamName) else { return nil }
        let reader = try factory.makeReader(name: streamName)
        var bytes: [UInt8] = []
        var limit: Int?
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        defer {
            bytes.zeroize()
            chunk.zeroize()
        }
        while true {
            let count = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if limit == nil, bytes.count >= headerCount {
                let header = try decodeHeader(bytes)
                limit = encodedCount(members: header.members, factors: header.factors, tagCount: header.tagCount)
            }
            if let limit, bytes.count > limit {
                throw VaultError.corrupt("stream \(streamName)", "longer than its header declares")
            }
        }
        return try MemberFactorState(decoding: bytes)
    }
}
