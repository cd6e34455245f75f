import BacklineCore
import BacklineCrypto
import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

/// SECURITY-TESTS items 1–10 on the data files.
@Suite struct EncryptedFileTests {
    @Test func oneMebibyteRoundTripsAndHasTheDocumentedSize() throws {
        let fixture = try VaultFixture()
        let data = VaultFixture.sampleBytes(1 << 20)
        try fixture.write("members", data)
        #expect(try fixture.readAll("members") == data)
        let size = try fixture.fileBytes(fixture.dataPath("members")).count
        #expect(size == 29 + 24 + 16 * (65_536 + 17))
        #expect(size == VaultFileFormat.encryptedSize(plaintextCount: data.count, chunkSize: 65_536))
        #expect(try fixture.vault.fileNames() == ["members"])
    }

    @Test(arguments: [0, 1, 64, 65, 200]) func anyLengthRoundTripsWhateverTheWritePieces(_ count: Int) throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let data = VaultFixture.sampleBytes(count, seed: UInt64(count))
        try fixture.write("a", data, pieceSize: 1)
        try fixture.write("b", data, pieceSize: 1000)
        #expect(try fixture.readAll("a") == data)
        #expect(try fixture.readAll("b") == data)
        #expect(try fixture.fileBytes(fixture.dataPath("a")).count == VaultFileFormat.encryptedSize(plaintextCount: count, chunkSize: 64))
    }

    @Test func droppingTheLastChunkFailsAsTruncatedAndExportLeavesNoOutput() throws {
        let fixture = try VaultFixture()
        try fixture.write("members", VaultFixture.sampleBytes(1 << 20))
        let bytes = try fixture.fileBytes(fixture.dataPath("members"))
        try fixture.replace(fixture.dataPath("members"), with: Array(bytes[0..<fixture.chunkOffset(15)]))
        expectVaultError(.truncated, mentioning: "chunk 15") { _ = try fixture.readAll("members") }
        let output = fixture.temporary.file("export.bin")
        expectVaultError(.truncated) { try fixture.vault.export(name: "members", to: output) }
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.temporary.path).filter { $0.hasPrefix("export") }.isEmpty)
    }

    @Test func exportOfAnIntactFileGivesThePlaintext() throws {
        let fixture = try VaultFixture(chunkSize: 100)
        let data = VaultFixture.sampleBytes(1234)
        try fixture.write("t", data)
        let output = fixture.temporary.file("plain.bin")
        try fixture.vault.export(name: "t", to: output)
        #expect(try FileAccess.readAll(output) == data)
    }

    @Test func cuttingTheFileAnywhereFails() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("t", VaultFixture.sampleBytes(200))
        let bytes = try fixture.fileBytes(fixture.dataPath("t"))
        for cut in [
            0, 3, 28, 29, 40, 53, 60, fixture.chunkOffset(1) - 1, fixture.chunkOffset(1) + 30, fixture.chunkOffset(3), bytes.count - 1,
        ] {
            try fixture.replace(fixture.dataPath("t"), with: Array(bytes[0..<cut]))
            #expect(throws: VaultAtRestError.self, "cut at \(cut)") { _ = try fixture.readAll("t") }
        }
    }

    @Test func bytesAfterAFullFinalChunkFailAsTrailingData() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("t", VaultFixture.sampleBytes(128))
        let bytes = try fixture.fileBytes(fixture.dataPath("t"))
        for extra in [[0x00], Array(repeating: 0x41, count: 17), Array(bytes[fixture.chunkOffset(0)..<fixture.chunkOffset(1)])] as [[UInt8]]
        {
            try fixture.replace(fixture.dataPath("t"), with: bytes + extra)
            expectVaultError(.trailingData, mentioning: "FINAL chunk 1") { _ = try fixture.readAll("t") }
        }
    }

    /// After a short final chunk, appended bytes are read as part of that chunk (the reader cannot
    /// tell where a short chunk ends), so they surface as that chunk failing authentication.
    @Test func bytesAfterAShortFinalChunkFailAtThatChunk() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("t", VaultFixture.sampleBytes(100))
        let bytes = try fixture.fileBytes(fixture.dataPath("t"))
        for extra in [[0x00], Array(repeating: 0x41, count: 17)] as [[UInt8]] {
            try fixture.replace(fixture.dataPath("t"), with: bytes + extra)
            expectVaultError(.authenticationFailed, mentioning: "chunk 1 ") { _ = try fixture.readAll("t") }
        }
    }

    @Test func swappedChunksFailAtChunk0AndADuplicatedChunkFailsAtChunk1() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("t", VaultFixture.sampleBytes(64 * 3))
        let bytes = try fixture.fileBytes(fixture.dataPath("t"))
        let head = Array(bytes[0..<fixture.chunkOffset(0)])
        let chunks = (0..<3).map { Array(bytes[fixture.chunkOffset($0)..<fixture.chunkOffset($0 + 1)]) }
        try fixture.replace(fixture.dataPath("t"), with: head + chunks[1] + chunks[0] + chunks[2])
        expectVaultError(.authenticationFailed, mentioning: "chunk 0 ") { _ = try fixture.readAll("t") }
        try fixture.replace(fixture.dataPath("t"), with: head + chunks[0] + chunks[0] + chunks[1] + chunks[2])
        expectVaultError(.authenticationFailed, mentioning: "chunk 1 ") { _ = try fixture.readAll("t") }
    }

    @Test func everyFlippedBitOfAThreeChunkFileFails() throws {
        let fixture = try VaultFixture(chunkSize: 32)
        let data = VaultFixture.sampleBytes(80)
        try fixture.write("t", data)
        let bytes = try fixture.fileBytes(fixture.dataPath("t"))
        #expect(bytes.count == 53 + 2 * 49 + 33)
        var accepted: [Int] = []
        for bit in 0..<(bytes.count * 8) {
            var altered = bytes
            altered[bit / 8] ^= UInt8(1 << (bit % 8))
            try fixture.replace(fixture.dataPath("t"), with: altered)
            do {
                _ = try fixture.readAll("t")
                accepted.append(bit)
            } catch is VaultAtRestError {
            }
        }
        #expect(accepted.isEmpty, "bits accepted: \(accepted)")
        try fixture.replace(fixture.dataPath("t"), with: bytes)
        #expect(try fixture.readAll("t") == data)
    }

    @Test func wrongDataKeyFailsAtChunk0WithTheSameKindAsCorruption() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("t", VaultFixture.sampleBytes(300))
        let path = fixture.dataPath("t")
        var wrongKeyError: VaultAtRestError?
        do {
            _ = try VaultFixture.drain(EncryptedFileReader(path: path) { _ in SymmetricKey() })
        } catch let error as VaultAtRestError { wrongKeyError = error }
        var bytes = try fixture.fileBytes(path)
        bytes[fixture.chunkOffset(0) + 5] ^= 0x20
        try fixture.replace(path, with: bytes)
        var corruptionError: VaultAtRestError?
        do { _ = try fixture.readAll("t") } catch let error as VaultAtRestError { corruptionError = error }
        let wrong = try #require(wrongKeyError)
        let corrupt = try #require(corruptionError)
        #expect(wrong.code == .authenticationFailed && wrong.reason.contains("chunk 0 "))
        #expect(corrupt.code == wrong.code && corrupt.reason.contains("chunk 0 "))
    }

    @Test func unsupportedVersionIsRejectedBeforeAnyDecryption() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("t", VaultFixture.sampleBytes(100))
        var bytes = try fixture.fileBytes(fixture.dataPath("t"))
        for version: UInt8 in [0, 2, 255] {
            bytes[4] = version
            try fixture.replace(fixture.dataPath("t"), with: bytes)
            var keyAsked = false
            expectVaultError(.unsupportedVersion, mentioning: "version \(version)") {
                _ = try EncryptedFileReader(path: fixture.dataPath("t")) { _ in
                    keyAsked = true
                    return SymmetricKey()
                }
            }
            #expect(!keyAsked)
            expectVaultError(.unsupportedVersion) { _ = try fixture.readAll("t") }
        }
    }

    @Test func versionSwappedToAnotherSupportedVersionFailsAuthentication() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("t", VaultFixture.sampleBytes(100))
        var bytes = try fixture.fileBytes(fixture.dataPath("t"))
        bytes[4] = 2
        try fixture.replace(fixture.dataPath("t"), with: bytes)
        let reader = try fixture.vault.makeEncryptedReader(name: "t", supportedVersions: [1, 2])
        #expect(reader.header.version == 2)
        expectVaultError(.authenticationFailed, mentioning: "chunk 0 ") { _ = try VaultFixture.drain(reader) }
    }

    @Test func badMagicAndOutOfRangeChunkSizeAreRefused() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("t", VaultFixture.sampleBytes(10))
        let bytes = try fixture.fileBytes(fixture.dataPath("t"))
        var badMagic = bytes
        badMagic[0] = UInt8(ascii: "X")
        try fixture.replace(fixture.dataPath("t"), with: badMagic)
        expectVaultError(.notVaultFile) { _ = try fixture.readAll("t") }
        for size: UInt32 in [0, (1 << 24) + 1, .max] {
            var badSize = bytes
            badSize.replaceSubrange(
                25..<29,
                with: [UInt8(size & 0xff), UInt8((size >> 8) & 0xff), UInt8((size >> 16) & 0xff), UInt8(size >> 24)]
            )
            try fixture.replace(fixture.dataPath("t"), with: badSize)
            expectVaultError(.invalidHeader, mentioning: "chunk size") { _ = try fixture.readAll("t") }
        }
    }

    @Test func theSamePlaintextEncryptsDifferentlyEveryTime() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let data = VaultFixture.sampleBytes(500)
        try fixture.write("a", data)
        let first = try fixture.fileBytes(fixture.dataPath("a"))
        try fixture.write("a", data)
        try fixture.write("b", data)
        let second = try fixture.fileBytes(fixture.dataPath("a"))
        let other = try fixture.fileBytes(fixture.dataPath("b"))
        for (x, y) in [(first, second), (first, other), (second, other)] {
            #expect(x.count == y.count)
            #expect(x[fixture.chunkOffset(0)...] != y[fixture.chunkOffset(0)...])
            #expect(x[29..<53] != y[29..<53])
        }
        #expect(try fixture.readAll("a") == data)
    }

    @Test func aChunkSplicedFromAnotherFileOrAnOlderGenerationFails() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("a", VaultFixture.sampleBytes(200, seed: 1))
        try fixture.write("b", VaultFixture.sampleBytes(200, seed: 2))
        let a = try fixture.fileBytes(fixture.dataPath("a"))
        let b = try fixture.fileBytes(fixture.dataPath("b"))
        let range = fixture.chunkOffset(1)..<fixture.chunkOffset(2)
        var spliced = b
        spliced.replaceSubrange(range, with: a[range])
        try fixture.replace(fixture.dataPath("b"), with: spliced)
        expectVaultError(.authenticationFailed, mentioning: "chunk 1 ") { _ = try fixture.readAll("b") }

        try fixture.write("a", VaultFixture.sampleBytes(200, seed: 1))
        var newer = try fixture.fileBytes(fixture.dataPath("a"))
        newer.replaceSubrange(range, with: a[range])
        try fixture.replace(fixture.dataPath("a"), with: newer)
        expectVaultError(.authenticationFailed, mentioning: "chunk 1 ") { _ = try fixture.readAll("a") }
    }

    @Test func aWholeFileCopiedOverAnotherOrRolledBackHasNoKey() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("a", VaultFixture.sampleBytes(100, seed: 1))
        try fixture.write("b", VaultFixture.sampleBytes(100, seed: 2))
        let oldA = try fixture.fileBytes(fixture.dataPath("a"))
        try fixture.replace(fixture.dataPath("b"), with: oldA)
        expectVaultError(.missingKey) { _ = try fixture.readAll("b") }
        try fixture.write("a", VaultFixture.sampleBytes(100, seed: 3))
        try fixture.replace(fixture.dataPath("a"), with: oldA)
        expectVaultError(.missingKey, mentioning: "generation 1") { _ = try fixture.readAll("a") }
    }

    @Test(arguments: ["", "../escape", "a/b", ".hidden", "sp ace", String(repeating: "x", count: 129)])
    func unsafeStreamNamesAreRefused(_ name: String) throws {
        let fixture = try VaultFixture(chunkSize: 64)
        expectVaultError(.invalidName) { _ = try fixture.vault.makeWriter(name: name) }
        expectVaultError(.invalidName) { _ = try fixture.vault.makeReader(name: name) }
    }

    @Test func readingAMissingFileSaysNotFound() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        expectVaultError(.notFound, mentioning: "nothing.bkv") { _ = try fixture.vault.makeReader(name: "nothing") }
    }
}
