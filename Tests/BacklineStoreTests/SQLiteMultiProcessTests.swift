import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineStore

/// Another process (the sqlite3 shell) holds the write lock of the same database file: our write
/// waits for its commit (busy timeout) and then sees its row; with a short timeout the store
/// reports an explicit busy error instead.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs the sqlite3 shell"))
struct SQLiteMultiProcessTests {
    /// Starts `sqlite3` holding `BEGIN IMMEDIATE` for `seconds` after inserting a revocation;
    /// returns once it holds the lock, and a thread that ends with it.
    private func holdWriteLock(_ path: String, flag: String, seconds: Int) throws -> Thread {
        let script = [
            "BEGIN IMMEDIATE;",
            "INSERT INTO revocations (serial, spiffe_id, revoked_ms, reason) VALUES ('other-process', 'spiffe://x', 0, '');",
            ".shell touch \(flag)",
            ".shell sleep \(seconds)",
            "COMMIT;",
        ]
        let holder = Thread { _ = try? ToolRunner.run("/usr/bin/sqlite3", [path] + script) }
        holder.start()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: flag) {
            guard Date() < deadline else { throw StoreError.database(.busy, "sqlite3 never took the lock") }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return holder
    }

    @Test func aWriterInAnotherProcessIsWaitedFor() throws {
        let directory = try TemporaryDirectory(prefix: "backline-mp")
        let path = directory.file("s.db")
        let store = try SQLFederationStore.makeSQLite(.file(path))
        try store.createRound(StoreSamples.round(1))
        _ = try holdWriteLock(path, flag: directory.file("locked"), seconds: 1)
        // This transaction can only start once the other process committed, so it sees its row.
        let seen = try store.withTransaction { transaction in
            _ = try transaction.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [1]))
            return try transaction.revocation(serial: "other-process")
        }
        #expect(seen?.spiffeID == "spiffe://x")
        #expect(try store.updates(inRound: 1).count == 1)
    }

    @Test func aLockHeldTooLongIsAnExplicitBusyError() throws {
        let directory = try TemporaryDirectory(prefix: "backline-mp")
        let path = directory.file("s.db")
        _ = try SQLFederationStore.makeSQLite(.file(path))
        let impatient = try SQLFederationStore.makeSQLite(SQLiteConfiguration(path: path, busyTimeoutMilliseconds: 50))
        let holder = try holdWriteLock(path, flag: directory.file("locked"), seconds: 3)
        let error = #expect(throws: StoreError.self) { try impatient.createRound(StoreSamples.round(1)) }
        #expect(error?.code == .busy)
        while !holder.isFinished { Thread.sleep(forTimeInterval: 0.05) }
        // Once the other process is done, the same store writes normally.
        try impatient.createRound(StoreSamples.round(1))
        #expect(try impatient.withTransaction { try $0.revocation(serial: "other-process") } != nil)
    }
}
