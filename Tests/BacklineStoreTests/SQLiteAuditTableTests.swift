import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineStore

/// SECURITY-TESTS 44 (SQLite part): triggers block UPDATE, DELETE and INSERT OR REPLACE (which
/// deletes without firing DELETE triggers) on the audit tables; the database file is private.
@Suite struct SQLiteAuditTableTests {
    static let attacks: [String] = [
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE idx = 1",
        "UPDATE audit_log SET decision = 'deny' WHERE idx = 0",
        "UPDATE audit_log SET entry = x'00'",
        "DELETE FROM audit_checkpoints",
        "UPDATE audit_checkpoints SET note = 'forged'",
        "INSERT OR REPLACE INTO audit_log (idx, entry, leaf_hash, logged_ms, actor, action, decision) SELECT idx, x'00', leaf_hash, 0, 'x', 'x', 'x' FROM audit_log",
    ]

    @Test(arguments: attacks)
    func triggersRefuseChangingTheAuditLog(attack: String) throws {
        let directory = try TemporaryDirectory(prefix: "backline-audit")
        let store = try SQLFederationStore.makeSQLite(.file(directory.file("a.db")))
        let entries = (0..<3).map { StoreSamples.auditEntry(Int64($0)) }
        try store.appendAuditEntries(entries)
        let checkpoint = CheckpointRecord(size: 3, signedNote: "example.org/fl-audit\n3\nroot\n", createdAt: StoreSamples.time(3))
        try store.withTransaction { try $0.insertCheckpoint(checkpoint) }
        let refusal = #expect(throws: StoreError.self) {
            try store.withConnection { try $0.execute(SQLQuery(unsafeSQL: attack)) }
        }
        #expect(refusal?.code == .appendOnly)
        #expect(try store.auditEntries() == entries)
        #expect(try store.withTransaction { try $0.latestCheckpoint() } == checkpoint)
    }

    @Test func theDatabaseFileIsPrivate() throws {
        let directory = try TemporaryDirectory(prefix: "backline-audit")
        let path = directory.file("a.db")
        let store = try SQLFederationStore.makeSQLite(.file(path))
        try store.appendAuditEntries([StoreSamples.auditEntry(0)])
        for file in [path, path + "-wal"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode & 0o077 == 0, "\(file) has mode \(String(mode, radix: 8))")
        }
        let journal = try store.withConnection { try $0.query("PRAGMA journal_mode") }
        #expect(try journal.first?.string(0) == "wal")
        let foreignKeys = try store.withConnection { try $0.query("PRAGMA foreign_keys") }
        #expect(try foreignKeys.first?.int64(0) == 1)
    }
}
