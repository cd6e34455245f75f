import BacklineCore
import BacklineCrypto
import BacklineVault
import Foundation
import Testing

/// SECURITY-TESTS item 14 at unit level: a writer that never finishes leaves the previous file,
/// the manifest and the directory as they were. (The kill -9 test runs through the CLI.)
@Suite struct WriterFailureTests {
    @Test func anAbandonedWriterLeavesThePreviousFileAndNoTemporaryFile() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let original = VaultFixture.sampleBytes(500, seed: 1)
        try fixture.write("m", original)
        let fileBefore = try fixture.fileBytes(fixture.dataPath("m"))
        let manifestBefore = try fixture.fileBytes(fixture.manifestPath)

        let writer = try fixture.vault.makeWriter(name: "m")
        try VaultFixture.sampleBytes(1000, seed: 2).withUnsafeBytes { try writer.write($0) }
        #expect(try fixture.temporaryFiles().count == 1)
        (writer as! EncryptedFileWriter).abandon()
        #expect(try fixture.temporaryFiles().isEmpty)
        #expect(try fixture.fileBytes(fixture.dataPath("m")) == fileBefore)
        #expect(try fixture.fileBytes(fixture.manifestPath) == manifestBefore)
        #expect(try fixture.readAll("m") == original)
        expectVaultError(.writerState) { try [UInt8]([1]).withUnsafeBytes { try writer.write($0) } }
        expectVaultError(.writerState) { try writer.finish() }
    }

    @Test func aWriterReleasedMidStreamLeavesThePreviousFile() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let original = VaultFixture.sampleBytes(500, seed: 1)
        try fixture.write("m", original)
        let fileBefore = try fixture.fileBytes(fixture.dataPath("m"))
        func writeHalfAndFail() throws {
            let writer = try fixture.vault.makeWriter(name: "m")
            try VaultFixture.sampleBytes(300, seed: 3).withUnsafeBytes { try writer.write($0) }
            throw CancellationError()
        }
        #expect(throws: CancellationError.self) { try writeHalfAndFail() }
        #expect(try fixture.temporaryFiles().isEmpty)
        #expect(try fixture.fileBytes(fixture.dataPath("m")) == fileBefore)
        #expect(try fixture.readAll("m") == original)
        try fixture.write("m", [9, 9, 9])
        #expect(try fixture.readAll("m") == [9, 9, 9])
    }

    @Test func aNewFileIsInvisibleUntilFinish() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let writer = try fixture.vault.makeWriter(name: "fresh")
        try [UInt8]([1, 2, 3]).withUnsafeBytes { try writer.write($0) }
        #expect(!FileAccess.exists(fixture.dataPath("fresh")))
        #expect(try fixture.vault.fileNames().isEmpty)
        try writer.finish()
        #expect(try fixture.vault.fileNames() == ["fresh"])
    }

    @Test func twoOpenWritersForOneNameAreRefused() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let first = try fixture.vault.makeWriter(name: "m")
        expectVaultError(.concurrentWrite) { _ = try fixture.vault.makeWriter(name: "m") }
        try first.finish()
        let second = try fixture.vault.makeWriter(name: "m")
        try second.finish()
        #expect(try fixture.vault.status().files.map(\.dekGeneration) == [2])
    }

    @Test func writersOnManyThreadsAllLandInTheManifest() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let vault = fixture.vault
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            do {
                let writer = try vault.makeWriter(name: "t\(index)")
                try VaultFixture.sampleBytes(200, seed: UInt64(index)).withUnsafeBytes { try writer.write($0) }
                try writer.finish()
            } catch {
                failures.add("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        #expect(try vault.fileNames() == (0..<8).map { "t\($0)" }.sorted())
        for index in 0..<8 { #expect(try fixture.readAll("t\(index)") == VaultFixture.sampleBytes(200, seed: UInt64(index))) }
    }
}

private final class Failures: @unchecked Sendable {
    // @unchecked: guarded by lock.
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
