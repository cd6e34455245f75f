import BacklineCore
import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

/// The node's member factors at rest: encoding, checks, and storage through a vault.
@Suite struct MemberFactorStateTests {
    private func sample(members: Int = 5, factors: Int = 3) throws -> MemberFactorState {
        let ids = (0..<members).map { Int64($0) * 7 + 10_000_001 }
        let values = (0..<members * factors).map { Float($0) * 0.25 - 1.5 }
        return try MemberFactorState(memberIDs: ids, factors: factors, values: values, modelTag: "sha256:abc")
    }

    private func expectVaultCode(
        _ code: VaultError.Code,
        mentioning text: String? = nil,
        _ body: () throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            try body()
            Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as VaultError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            if let text { #expect(error.reason.contains(text), "\(error.reason)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func encodingRoundTripsIdsValuesAndTag() throws {
        let state = try sample()
        let decoded = try MemberFactorState(decoding: state.encode())
        #expect(decoded == state)
        #expect(decoded.row(of: 10_000_008) == 1)
        #expect(decoded.row(of: 42) == nil)
        #expect(Array(decoded.factors(ofRow: 1)) == Array(state.values[3..<6]))
    }

    @Test func encodingIsCompactLittleEndian() throws {
        let state = try sample(members: 2, factors: 2)
        let bytes = state.encode()
        #expect(bytes.count == 24 + state.modelTag.utf8.count + 2 * 8 + 4 * 4)
        #expect(Array(bytes[0..<4]) == Array("BLMF".utf8))
        let firstValue = 24 + state.modelTag.utf8.count + 16
        let bits = state.values[0].bitPattern
        #expect(
            Array(bytes[firstValue..<firstValue + 4]) == [
                UInt8(bits & 0xff), UInt8(bits >> 8 & 0xff), UInt8(bits >> 16 & 0xff), UInt8(bits >> 24),
            ]
        )
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteValuesAreRefused(_ bad: Float) throws {
        var values = [Float](repeating: 0, count: 6)
        values[4] = bad
        expectVaultCode(.invalidParameter, mentioning: "row 1") {
            _ = try MemberFactorState(memberIDs: [1, 2], factors: 3, values: values, modelTag: "")
        }
        var bytes = try sample(members: 2, factors: 3).encode()
        let position = bytes.count - 4
        let bits = bad.bitPattern
        for shift in 0..<4 { bytes[position + shift] = UInt8(bits >> (8 * UInt32(shift)) & 0xff) }
        expectVaultCode(.corrupt, mentioning: "non-finite") { _ = try MemberFactorState(decoding: bytes) }
    }

    @Test func shapeAndOrderMistakesAreRefused() throws {
        expectVaultCode(.invalidParameter, mentioning: "5 values") {
            _ = try MemberFactorState(memberIDs: [1, 2], factors: 3, values: [Float](repeating: 0, count: 5), modelTag: "")
        }
        expectVaultCode(.invalidParameter, mentioning: "factors") {
            _ = try MemberFactorState(memberIDs: [], factors: 0, values: [], modelTag: "")
        }
        expectVaultCode(.invalidParameter, mentioning: "ascending") {
            _ = try MemberFactorState(memberIDs: [3, 3], factors: 1, values: [0, 0], modelTag: "")
        }
        expectVaultCode(.invalidParameter, mentioning: "tag") {
            _ = try MemberFactorState(memberIDs: [], factors: 1, values: [], modelTag: String(repeating: "x", count: 257))
        }
    }

    @Test func damagedEncodingsAreRefused() throws {
        let bytes = try sample().encode()
        expectVaultCode(.truncated) { _ = try MemberFactorState(decoding: Array(bytes.dropLast())) }
        expectVaultCode(.truncated) { _ = try MemberFactorState(decoding: Array(bytes.prefix(10))) }
        expectVaultCode(.corrupt, mentioning: "after the last value") { _ = try MemberFactorState(decoding: bytes + [0]) }
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        expectVaultCode(.corrupt, mentioning: "magic") { _ = try MemberFactorState(decoding: magic) }
        var version = bytes
        version[4] = 2
        expectVaultCode(.unsupportedVersion) { _ = try MemberFactorState(decoding: version) }
        var huge = bytes
        for index in 12..<20 { huge[index] = 0xff }
        expectVaultCode(.corrupt, mentioning: "member count") { _ = try MemberFactorState(decoding: huge) }
        var swapped = bytes
        let ids = 24 + 10
        swapped.swapAt(ids, ids + 8)
        expectVaultCode(.corrupt, mentioning: "ascending") { _ = try MemberFactorState(decoding: swapped) }
    }

    @Test func storeAndLoadThroughAStreamFactory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let factory = PlainStreamFactory(directory: directory.path)
        #expect(try MemberFactorState.load(from: factory) == nil)
        let first = try sample()
        try first.store(to: factory)
        #expect(try MemberFactorState.load(from: factory) == first)
        let second = try sample(members: 4, factors: 8)
        try second.store(to: factory)
        #expect(try MemberFactorState.load(from: factory) == second)
        try factory.overwrite(MemberFactorState.streamName, with: second.encode() + [1, 2, 3])
        expectVaultCode(.corrupt, mentioning: "longer") { _ = try MemberFactorState.load(from: factory) }
    }

    @Test func encryptedStreamHidesAndAuthenticatesTheFactors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keyPath = directory.file("k.kek")
        try KeyFile.generate(at: keyPath)
        let vault = try EncryptedVault.create(at: directory.file("vault"), kek: .keyFile(keyPath))
        let state = try sample(members: 50, factors: 16)
        try state.store(to: vault)
        #expect(try MemberFactorState.load(from: EncryptedVault.open(at: directory.file("vault"), kek: .keyFile(keyPath))) == state)
        let path = directory.file("vault/\(MemberFactorState.streamName).bkv")
        var raw = try FileAccess.readAll(path)
        let plain = state.encode()
        let probe = Array(plain[24 + state.modelTag.utf8.count..<24 + state.modelTag.utf8.count + 16])
        #expect(!Self.contains(raw, Array("BLMF".utf8)) && !Self.contains(raw, probe), "member ids must not appear in clear")
        raw[raw.count / 2] ^= 0x01
        try AtomicFileWriter.write(raw, to: path)
        #expect(throws: (any Error).self) { _ = try MemberFactorState.load(from: vault) }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
    }
}
