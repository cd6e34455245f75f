import BacklineCore
import BacklineTestSupport
import Foundation
import Synchronization
import Testing

@testable import BacklineAudit

@Suite struct AuditLogTests {
    @Test func guardedActionDoesNotRunWhenTheAppendFails() throws {
        let storage = TamperableStorage()
        let log = try AuditLog(storage: storage, signer: try AuditFixtures.signer(), origin: AuditFixtures.origin)
        storage.failAppends = true
        var performed = false
        #expect(throws: AuditError.self) { try log.withAudit(try AuditFixtures.entry(0)) { performed = true } }
        #expect(performed == false)
        #expect(log.size == 0)
        storage.failAppends = false
        let value = try log.withAudit(try AuditFixtures.entry(1)) { 42 }
        #expect(value == 42)
        #expect(log.size == 1)
    }

    @Test func asyncGuardedActionDoesNotRunWhenTheAppendFails() async throws {
        let storage = TamperableStorage()
        let log = try AuditLog(storage: storage, signer: try AuditFixtures.signer(), origin: AuditFixtures.origin)
        storage.failAppends = true
        var performed = false
        await #expect(throws: AuditError.self) {
            try await log.withAudit(try AuditFixtures.entry(0)) { () async in performed = true }
        }
        #expect(performed == false)
    }

    /// Concurrent appenders share writes (group commit), and each gets its own entry's index.
    @Test func concurrentAppendsAreGroupedAndIndexedCorrectly() throws {
        let storage = SlowCountingStorage()
        let log = try AuditLog(storage: storage, signer: try AuditFixtures.signer(), origin: AuditFixtures.origin)
        let results = Mutex<[Int: AuditEntry]>([:])
        let failures = Atomic<Int>(0)
        // Real threads, so the callers overlap even when the shared pools are busy.
        let done = DispatchSemaphore(value: 0)
        for worker in 0..<8 {
            Thread {
                for i in 0..<25 {
                    do {
                        let entry = try AuditFixtures.entry(worker * 25 + i)
                        let index = try log.append(entry)
                        results.withLock { $0[index] = entry }
                    } catch {
                        failures.add(1, ordering: .relaxed)
                    }
                }
                done.signal()
            }.start()
        }
        for _ in 0..<8 { done.wait() }
        #expect(failures.load(ordering: .relaxed) == 0)
        let byIndex = results.withLock { $0 }
        #expect(Set(byIndex.keys) == Set(0..<200))
        let stored = try storage.entries(from: 0, to: 200)
        #expect(byIndex.allSatisfy { stored[$0.key] == $0.value })
        #expect(storage.appendCalls.load(ordering: .relaxed) < 200)
        var reference = MerkleTree()
        for entry in stored { reference.append(leafHash: entry.leafHash) }
        #expect(try log.root(size: 200) == (try reference.root()))
    }

    @Test func checkpointsEveryNEntriesAndTheyVerify() throws {
        let storage = InMemoryAuditStorage()
        let signer = try AuditFixtures.signer()
        let log = try AuditLog(
            storage: storage,
            signer: signer,
            origin: AuditFixtures.origin,
            configuration: .init(checkpointEvery: 10, checkpointInterval: .seconds(3600))
        )
        for i in 0..<25 { try log.append(try AuditFixtures.entry(i)) }
        let reader = CheckpointReader(origin: AuditFixtures.origin, keys: [signer.verifierKey])
        let checkpoint = try reader.read(try #require(try storage.latestCheckpoint()))
        #expect(checkpoint.size == 20)
        #expect(checkpoint.root == (try log.root(size: 20)))
    }

    @Test func checkpointsWhenTheIntervalPasses() async throws {
        let storage = InMemoryAuditStorage()
        let log = try AuditLog(
            storage: storage,
            signer: try AuditFixtures.signer(),
            origin: AuditFixtures.origin,
            configuration: .init(checkpointEvery: 1000, checkpointInterval: .milliseconds(20))
        )
        try log.append(try AuditFixtures.entry(0))
        #expect(try storage.latestCheckpoint() == nil)
        try await Task.sleep(for: .milliseconds(40))
        try log.checkpointIfDue()
        #expect(try storage.latestCheckpoint() != nil)
    }

    @Test func runSignsDueCheckpointsUntilCancelled() async throws {
        let storage = InMemoryAuditStorage()
        let log = try AuditLog(
            storage: storage,
            signer: try AuditFixtures.signer(),
            origin: AuditFixtures.origin,
            configuration: .init(checkpointEvery: 1000, checkpointInterval: .milliseconds(10))
        )
        let service = Task { try await log.run() }
        try log.append(try AuditFixtures.entry(0))
        var waited = 0
        while try storage.latestCheckpoint() == nil, waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        service.cancel()
        try await service.value
        let note = try #require(try storage.latestCheckpoint())
        #expect(try CheckpointReader(origin: AuditFixtures.origin, keys: [log.verifierKey]).read(note).size == 1)
    }

    @Test func fileLogSurvivesReopeningAndKeepsItsRoot() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("audit.log")
        let signer = try AuditFixtures.signer()
        let root = try AuditFixtures.fill(try FileAuditStorage(path: path), count: 40, signer: signer).root(size: 40)
        let reopened = try AuditLog(storage: try FileAuditStorage(path: path), signer: signer, origin: AuditFixtures.origin)
        #expect(reopened.size == 40)
        #expect(try reopened.root(size: 40) == root)
        try reopened.append(try AuditFixtures.entry(40))
        #expect(try FileAuditStorage(path: path, readOnly: true).entries(from: 40, to: 41) == [try AuditFixtures.entry(40)])
        var info = stat()
        stat(path, &info)
        #expect(info.st_mode & 0o077 == 0)
    }

    @Test func tornLastLineIsCutWhenOpenedForWriting() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("audit.log")
        try AuditFixtures.fill(try FileAuditStorage(path: path), count: 3, signer: try AuditFixtures.signer())
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"action\":\"re".utf8))
        try handle.close()
        #expect(try FileAuditStorage(path: path, readOnly: true).count() == 3)
        let storage = try FileAuditStorage(path: path)
        #expect(try storage.count() == 3)
        _ = try storage.append([try AuditFixtures.entry(3)])
        #expect(try storage.entries(from: 0, to: 4).count == 4)
    }

    @Test func openingALogThatContradictsItsCheckpointIsRefused() throws {
        let storage = TamperableStorage()
        let signer = try AuditFixtures.signer()
        try AuditFixtures.fill(storage, count: 10, signer: signer)
        storage.entries[4] = try AuditFixtures.entry(4, action: "read_update")
        #expect(throws: AuditError.tampered("")) { try AuditLog(storage: storage, signer: signer, origin: AuditFixtures.origin) }
    }

    @Test func anotherWritersEntriesAreFoldedIn() throws {
        let storage = InMemoryAuditStorage()
        let signer = try AuditFixtures.signer()
        let a = try AuditLog(storage: storage, signer: signer, origin: AuditFixtures.origin)
        let b = try AuditLog(storage: storage, signer: signer, origin: AuditFixtures.origin)
        try a.append(try AuditFixtures.entry(0))
        try b.append(try AuditFixtures.entry(1))
        try a.append(try AuditFixtures.entry(2))
        #expect(a.size == 3)
        var reference = MerkleTree()
        for entry in try storage.entries(from: 0, to: 3) { reference.append(leafHash: entry.leafHash) }
        #expect(try a.root(size: 3) == (try reference.root()))
    }
}

/// In-memory storage whose appends take 2 ms (like an fsync) and are counted.
final class SlowCountingStorage: AuditLogStorage {
    let inner = InMemoryAuditStorage()
    let appendCalls = Atomic<Int>(0)

    func append(_ entries: [AuditEntry]) throws -> Int {
        appendCalls.add(1, ordering: .relaxed)
        usleep(2000)
        return try inner.append(entries)
    }
    func entries(from: Int, to: Int) throws -> [AuditEntry] { try inner.entries(from: from, to: to) }
    func count() throws -> Int { try inner.count() }
    func saveCheckpoint(_ signedNote: String, size: Int) throws { try inner.saveCheckpoint(signedNote, size: size) }
    func latestCheckpoint() throws -> String? { try inner.latestCheckpoint() }
}
