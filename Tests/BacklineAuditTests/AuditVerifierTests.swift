import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineAudit

@Suite struct AuditVerifierTests {
    static func verifier(_ signer: NoteSigner) -> AuditVerifier {
        AuditVerifier(origin: AuditFixtures.origin, keys: [signer.verifierKey])
    }

    @Test func anHonestLogVerifiesAndTheStateAdvances() throws {
        let storage = InMemoryAuditStorage()
        let signer = try AuditFixtures.signer()
        let log = try AuditFixtures.fill(storage, count: 30, signer: signer)
        let first = Self.verifier(signer).verify(storage: storage, saved: nil)
        #expect(first.ok, "\(first.problems)")
        let state = try #require(first.updatedState)
        #expect(state.checkpoint.size == 30)
        try log.append(contentsOf: (30..<45).map { try AuditFixtures.entry($0) })
        try log.checkpoint()
        let second = Self.verifier(signer).verify(storage: storage, saved: state)
        #expect(second.ok, "\(second.problems)")
        #expect(second.updatedState?.checkpoint.size == 45)
    }

    /// Items 43/44: an entry edited behind the log's back (as a superuser or with the SQLite
    /// file) is named by index, and the root no longer matches the pinned checkpoint.
    @Test(arguments: [0, 17, 29])
    func anEditedEntryIsNamed(index: Int) throws {
        let storage = TamperableStorage()
        let signer = try AuditFixtures.signer()
        try AuditFixtures.fill(storage, count: 30, signer: signer)
        let saved = try #require(Self.verifier(signer).verify(storage: storage, saved: nil).updatedState)
        storage.entries[index] = try AuditFixtures.entry(index, action: "read_update")
        let report = Self.verifier(signer).verify(storage: storage, saved: saved)
        #expect(!report.ok)
        #expect(report.firstBadIndex == index)
        #expect(report.problems.contains { $0.contains("root mismatch") })
        #expect(report.updatedState == nil)
    }

    @Test func anEditedLineInTheFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("audit.log")
        let signer = try AuditFixtures.signer()
        try AuditFixtures.fill(try FileAuditStorage(path: path), count: 20, signer: signer)
        let saved = try #require(
            Self.verifier(signer).verify(storage: try FileAuditStorage(path: path, readOnly: true), saved: nil).updatedState
        )
        var text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[12] = lines[12].replacingOccurrences(of: "\"decision\":\"deny\"", with: "\"decision\":\"allow\"")
            .replacingOccurrences(of: "\"outcome\":\"ok\"", with: "\"outcome\":\"ko\"")
        text = lines.joined(separator: "\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let report = Self.verifier(signer).verify(storage: try FileAuditStorage(path: path, readOnly: true), saved: saved)
        #expect(report.firstBadIndex == 12)
        #expect(!report.ok)
    }

    @Test func aGarbledLineIsReportedAsUnreadable() throws {
        let storage = InMemoryAuditStorage()
        let signer = try AuditFixtures.signer()
        try AuditFixtures.fill(storage, count: 5, signer: signer)
        let directory = try TemporaryDirectory()
        let path = directory.file("audit.log")
        let file = try FileAuditStorage(path: path)
        _ = try file.append(try storage.entries(from: 0, to: 5))
        try file.saveCheckpoint(try #require(try storage.latestCheckpoint()), size: 5)
        let saved = try #require(Self.verifier(signer).verify(storage: file, saved: nil).updatedState)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"round\":0,", with: "\"round\": 0,")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let report = Self.verifier(signer).verify(storage: try FileAuditStorage(path: path, readOnly: true), saved: saved)
        #expect(report.firstBadIndex == 0)
        #expect(report.problems.contains { $0.contains("unreadable") })
    }

    /// Item 45: fewer entries, or another root at the same size, fails the auditor's check.
    @Test func aRolledBackLogFails() throws {
        let storage = TamperableStorage()
        let signer = try AuditFixtures.signer()
        try AuditFixtures.fill(storage, count: 30, signer: signer)
        let saved = try #require(Self.verifier(signer).verify(storage: storage, saved: nil).updatedState)

        // Roll back to 20 entries and an older (genuinely signed) checkpoint.
        let older = TamperableStorage()
        try AuditFixtures.fill(older, count: 20, signer: signer)
        let rolledBack = TamperableStorage()
        rolledBack.entries = Array(storage.entries[0..<20])
        rolledBack.checkpoints = older.checkpoints
        let report = Self.verifier(signer).verify(storage: rolledBack, saved: saved)
        #expect(!report.ok)
        #expect(report.firstBadIndex == 20)
        #expect(report.problems.contains { $0.contains("roll-back") })
    }

    @Test func aForkAtTheSameSizeFails() throws {
        let signer = try AuditFixtures.signer()
        let honest = TamperableStorage()
        try AuditFixtures.fill(honest, count: 30, signer: signer)
        let saved = try #require(Self.verifier(signer).verify(storage: honest, saved: nil).updatedState)
        // The operator's own key signs a different history of the same size (a second log).
        let fork = TamperableStorage()
        try AuditFixtures.fill(fork, count: 30, signer: signer, start: 1)
        let report = Self.verifier(signer).verify(storage: fork, saved: saved)
        #expect(!report.ok)
        #expect(report.firstBadIndex == 0)
        #expect(report.problems.contains { $0.contains("fork") })
    }

    @Test func deletedTailBelowTheCheckpointIsReported() throws {
        let storage = TamperableStorage()
        let signer = try AuditFixtures.signer()
        try AuditFixtures.fill(storage, count: 30, signer: signer)
        storage.entries.removeLast(3)
        let report = Self.verifier(signer).verify(storage: storage, saved: nil)
        #expect(report.firstBadIndex == 27)
        #expect(!report.ok)
    }

    @Test func aCheckpointByAnotherKeyIsRejected() throws {
        let storage = TamperableStorage()
        try AuditFixtures.fill(storage, count: 5, signer: try AuditFixtures.signer())
        let report = Self.verifier(try AuditFixtures.signer()).verify(storage: storage, saved: nil)
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains("checkpoint rejected") })
    }

    @Test func stateFileRoundTripsAndDetectsDamage() throws {
        let directory = try TemporaryDirectory()
        let storage = InMemoryAuditStorage()
        let signer = try AuditFixtures.signer()
        try AuditFixtures.fill(storage, count: 12, signer: signer)
        let state = try #require(Self.verifier(signer).verify(storage: storage, saved: nil).updatedState)
        let file = AuditorStateFile(path: directory.file("auditor.json"))
        #expect(try file.load(reader: Self.verifier(signer).reader) == nil)
        try file.save(state)
        #expect(try file.load(reader: Self.verifier(signer).reader) == state)
        var leaves = try Data(contentsOf: URL(fileURLWithPath: file.leavesPath))
        leaves[40] ^= 1
        try leaves.write(to: URL(fileURLWithPath: file.leavesPath))
        #expect(throws: AuditError.self) { try file.load(reader: Self.verifier(signer).reader) }
    }
}
