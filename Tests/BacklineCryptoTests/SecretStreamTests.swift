import BacklineCore
import BacklineCrypto
import Testing

@Suite struct SecretStreamTests {
    let key = SymmetricKey()
    let ad: [UInt8] = Array("header".utf8)

    /// Three chunks, the last one final, and the stream header.
    func makeStream() throws -> (header: [UInt8], chunks: [[UInt8]]) {
        let pusher = try SecretStreamPusher(key: key)
        let chunks = [
            try pusher.push([1, 2, 3], additionalData: ad),
            try pusher.push([4, 5], additionalData: ad, tag: .push),
            try pusher.push([6], additionalData: ad, tag: .final),
        ]
        #expect(pusher.isFinished)
        return (pusher.header, chunks)
    }

    @Test func roundTripKeepsBytesTagsAndSizes() throws {
        let (header, chunks) = try makeStream()
        #expect(header.count == SecretStream.headerCount && SecretStream.headerCount == 24)
        #expect(chunks.map(\.count) == [3 + 17, 2 + 17, 1 + 17])
        let puller = try SecretStreamPuller(key: key, header: header)
        let results = try chunks.map { try puller.pull($0, additionalData: ad) }
        #expect(results.map(\.plaintext) == [[1, 2, 3], [4, 5], [6]])
        #expect(results.map(\.tag) == [.message, .push, .final])
        #expect(puller.isFinished)
    }

    @Test func everyFlippedBitOfEveryChunkFails() throws {
        let (header, chunks) = try makeStream()
        for index in chunks.indices {
            for bit in 0..<(chunks[index].count * 8) {
                let puller = try SecretStreamPuller(key: key, header: header)
                for earlier in 0..<index { _ = try puller.pull(chunks[earlier], additionalData: ad) }
                #expect(throws: CryptoError(code: .authenticationFailed, reason: ""), "chunk \(index) bit \(bit)") {
                    try puller.pull(flippingBit(chunks[index], bit), additionalData: ad)
                }
            }
        }
    }

    @Test func flippedHeaderWrongAdditionalDataWrongKeyOrReorderFails() throws {
        let (header, chunks) = try makeStream()
        for bit in 0..<(header.count * 8) {
            let puller = try SecretStreamPuller(key: key, header: flippingBit(header, bit))
            #expect(throws: CryptoError(code: .authenticationFailed, reason: "")) { try puller.pull(chunks[0], additionalData: ad) }
        }
        #expect(throws: CryptoError(code: .authenticationFailed, reason: "")) {
            try SecretStreamPuller(key: key, header: header).pull(chunks[0], additionalData: flippingBit(ad, 3))
        }
        #expect(throws: CryptoError(code: .authenticationFailed, reason: "")) {
            try SecretStreamPuller(key: SymmetricKey(), header: header).pull(chunks[0], additionalData: ad)
        }
        #expect(throws: CryptoError(code: .authenticationFailed, reason: "")) {
            try SecretStreamPuller(key: key, header: header).pull(chunks[1], additionalData: ad)
        }
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) {
            try SecretStreamPuller(key: key, header: Array(header.dropLast()))
        }
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) { try SecretStreamPuller(key: key, header: header).pull([1, 2, 3]) }
    }

    @Test func streamCutAtAChunkBoundaryDecryptsButNeverReachesFinal() throws {
        let (header, chunks) = try makeStream()
        let puller = try SecretStreamPuller(key: key, header: header)
        for chunk in chunks.dropLast() { _ = try puller.pull(chunk, additionalData: ad) }
        #expect(!puller.isFinished)
    }

    @Test func useAfterFinalIsRefused() throws {
        let (header, chunks) = try makeStream()
        let puller = try SecretStreamPuller(key: key, header: header)
        for chunk in chunks { _ = try puller.pull(chunk, additionalData: ad) }
        #expect(throws: CryptoError(code: .streamFinished, reason: "")) { try puller.pull(chunks[2], additionalData: ad) }
        let pusher = try SecretStreamPusher(key: key)
        _ = try pusher.push([1], tag: .final)
        #expect(throws: CryptoError(code: .streamFinished, reason: "")) { try pusher.push([2]) }
    }

    @Test func emptyFinalChunkRoundTrips() throws {
        let pusher = try SecretStreamPusher(key: key)
        let chunk = try pusher.push([UInt8](), additionalData: ad, tag: .final)
        #expect(chunk.count == 17)
        let result = try SecretStreamPuller(key: key, header: pusher.header).pull(chunk, additionalData: ad)
        #expect(result.plaintext.isEmpty && result.tag == .final)
    }
}
