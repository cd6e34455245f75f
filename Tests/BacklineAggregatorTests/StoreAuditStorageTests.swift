import BacklineAggregator
import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklinePrivacy
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Synchronization
import Testing

/// The audit log kept in the SQLite store, checked by the auditor's verifier; tampering with
/// the rows by raw SQL (after dropping the append-only triggers) is reported (items 43/44).
@Suite struct StoreAuditStorageTests {
    static let origin = "fed.test/audit"

    /// A log of `count` entries in a SQLite file, checkpointed; returns the verifier and the auditor's state.
    func makeLog(_ directory: TemporaryDirectory, count: Int) throws -> (AuditVerifier, AuditorState, NoteVerifierKey) {
        let store = try SQLFederationStore.makeSQLite(.file(directory.file("audit.db")))
        let signer = try NoteSigner(name: Self.origin, privateKey: Ed25519.PrivateKey())
        let log = try AuditLog(storage: StoreAuditStorage(store: store), signer: signer, origin: Self.origin)
        for index in 0..<count {
            try log.append(
                AuditEntry(
                    spiffeID: "spiffe://fed.test/promoter/p\(index)",
                    role: "promoter",
                    action: "submit_update",
                    resource: "update:p\(index):r1",
                    round: 1,
                    decision: .allow,
                    ruleID: "P1",
                    policySHA256: String(repeating: "a", count: 64),
                    outcome: "accepted"
                )
            )
        }
        try log.checkpoint()
        let verifier = AuditVerifier(origin: Self.origin, keys: [signer.verifierKey])
        let report = verifier.verify(storage: StoreAuditStorage(store: store), saved: nil)
        #expect(report.ok, "\(report.problems)")
        #expect(report.entries == count)
        return (verifier, try #require(report.updatedState), signer.verifierKey)
    }

    func sqlite(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "sqlite3: \(message)")
    }

    @Test func theVerifierAcceptsAnUntouchedStoreBackedLogAndItsLeavesAreTheStoredBytes() throws {
        let directory = try TemporaryDirectory(prefix: "backline-agg-audit")
        _ = try makeLog(directory, count: 6)
        let store = try SQLFederationStore.makeSQLite(.file(directory.file("audit.db")))
        let storage = StoreAuditStorage(store: store)
        let rows = try store.auditEntries()
        #expect(try storage.leafData(from: 0, to: 6).map(Array.init) == rows.map(\.entry))
        #expect(try storage.entries(from: 2, to: 4).map(\.canonicalBytes) == [rows[2].entry, rows[3].entry])
        #expect(throws: AuditError.self) { try storage.entries(from: 4, to: 9) }
    }

    @Test func aRowDeletedAfterDroppingTheTriggerIsReported() throws {
        let directory = try TemporaryDirectory(prefix: "backline-agg-audit")
        let (verifier, state, _) = try makeLog(directory, count: 6)
        let path = directory.file("audit.db")
        try sqlite(path, "DROP TRIGGER audit_log_refuse_delete; DELETE FROM audit_log WHERE idx = 2;")
        let report = verifier.verify(storage: StoreAuditStorage(store: try SQLFederationStore.makeSQLite(.file(path))), saved: state)
        #expect(!report.ok)
        #expect(report.firstBadIndex == 2, "\(report.problems)")
    }

    @Test func aRowEditedAfterDroppingTheTriggerIsReportedWithARootMismatch() throws {
        let directory = try TemporaryDirectory(prefix: "backline-agg-audit")
        let (verifier, state, _) = try makeLog(directory, count: 6)
        let path = directory.file("audit.db")
        try sqlite(
            path,
            """
            DROP TRIGGER audit_log_refuse_update;
            UPDATE audit_log SET entry = CAST(REPLACE(CAST(entry AS TEXT), '"allow"', '"deny"') AS BLOB) WHERE idx = 1;
            """
        )
        let storage = StoreAuditStorage(store: try SQLFederationStore.makeSQLite(.file(path)))
        #expect(try storage.entries(from: 1, to: 2).first?.decision == .deny)  // the edit took effect
        let report = verifier.verify(storage: storage, saved: state)
        #expect(!report.ok)
        #expect(report.firstBadIndex == 1, "\(report.problems)")
        #expect(report.problems.contains { $0.contains("root mismatch") }, "\(report.problems)")
        // Without the auditor's saved state the signed checkpoint alone still catches it.
        #expect(!verifier.verify(storage: storage, saved: nil).ok)
    }

    /// The auditor's CLI reads the aggregator's SQLite store directly: an untouched log verifies
    /// (and the auditor's state is saved), a row deleted behind the trigger's back is named.
    @Test func auditVerifyThroughTheBinaryReadsTheStoreAndNamesADeletedRow() throws {
        let directory = try TemporaryDirectory(prefix: "backline-agg-audit")
        let (_, _, key) = try makeLog(directory, count: 6)
        let path = directory.file("audit.db")
        let keyFile = directory.file("audit.vkey")
        try Data(key.text.utf8).write(to: URL(fileURLWithPath: keyFile))
        let arguments = ["audit", "verify", "--sqlite", path, "--key", keyFile, "--state", directory.file("auditor.state"), "--json"]
        let clean = try BuiltBinary.run(arguments)
        #expect(clean.status == 0, "\(clean.standardOutput) \(clean.standardError)")
        #expect(FileManager.default.fileExists(atPath: directory.file("auditor.state")))

        try sqlite(path, "DROP TRIGGER audit_log_refuse_delete; DELETE FROM audit_log WHERE idx = 2;")
        let tampered = try BuiltBinary.run(arguments)
        #expect(tampered.status != 0)
        #expect(tampered.standardOutput.contains("\"first_bad_index\":2"), "\(tampered.standardOutput)")
    }
}
