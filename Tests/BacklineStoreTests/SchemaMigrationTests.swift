import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineStore

@Suite struct SchemaMigrationTests {
    enum Engine: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
        static var available: [Engine] { allCases.filter { $0 != .postgres || PostgresTestEnvironment.isAvailable } }
    }

    /// Opens the same database repeatedly at chosen schema versions.
    private func withDatabase(_ engine: Engine, _ body: (_ open: (Int) throws -> SQLFederationStore) throws -> Void) throws {
        switch engine {
        case .sqlite:
            let directory = try TemporaryDirectory(prefix: "backline-migrate")
            try body { try SQLFederationStore.makeSQLite(.file(directory.file("s.db")), schemaVersion: $0) }
        case .postgres:
            try PostgresTestEnvironment.withDatabase { configuration in
                try body { try SQLFederationStore.makePostgres(configuration, schemaVersion: $0) }
            }
        }
    }

    @Test(arguments: Engine.available)
    func anEmptyDatabaseMigratesToTheLatestVersion(engine: Engine) throws {
        try withDatabase(engine) { open in
            let store = try open(SchemaMigrations.latestVersion)
            #expect(try store.schemaVersion() == SchemaMigrations.latestVersion)
            let recorded = try store.withConnection { try $0.query("SELECT version FROM schema_version ORDER BY version") }
            #expect(try recorded.map { try $0.int64(0) } == (1...SchemaMigrations.latestVersion).map(Int64.init))
            // Opening again is a no-op.
            #expect(try open(SchemaMigrations.latestVersion).schemaVersion() == SchemaMigrations.latestVersion)
        }
    }

    @Test(arguments: Engine.available)
    func versionOneDataSurvivesTheMoveToTheLatestVersion(engine: Engine) throws {
        try withDatabase(engine) { open in
            let old = try open(1)
            #expect(try old.schemaVersion() == 1)
            // Version 1 has no claimed_by column, so claiming cannot work yet.
            #expect(throws: StoreError.self) { try old.claimRoundForAggregation(1) }
            try old.createRound(StoreSamples.round(1))
            try old.appendAuditEntries([StoreSamples.auditEntry(0)])
            // An update as the version-1 program wrote it (no payload_discarded_ms yet).
            let submission = StoreSamples.submission(round: 1, promoter: "p1", payload: [4, 2])
            _ = try old.withConnection {
                try $0.execute(
                    """
                    INSERT INTO updates (round_id, promoter_id, payload, digest, norm, sample_count, status, receipt_id,
                        received_ms)
                    VALUES (\(Int64(1)), \("p1"), \(submission.payload), \(submission.digest), \(0.75), \(Int64(120)),
                        \("accepted"), \("receipt-v1"), \(Int64(0)))
                    """
                )
            }

            // Straight to the latest schema, as a program of this version opens it (the store's
            // queries need every column up to the latest).
            let new = try open(SchemaMigrations.latestVersion)
            #expect(try new.schemaVersion() == SchemaMigrations.latestVersion)
            #expect(try new.submitUpdate(submission).receiptID == "receipt-v1")
            #expect(try new.updates(inRound: 1).first?.payloadDiscardedAt == nil)
            #expect(try new.auditEntries() == [StoreSamples.auditEntry(0)])
            #expect(try new.claimRoundForAggregation(1))
            #expect(try new.claimRoundForAggregation(1) == false)
        }
    }

    @Test(arguments: Engine.available)
    func aSchemaNewerThanThisProgramIsRefused(engine: Engine) throws {
        try withDatabase(engine) { open in
            let latest = SchemaMigrations.latestVersion
            let store = try open(latest)
            _ = try store.withConnection {
                try $0.execute("INSERT INTO schema_version (version, applied_ms) VALUES (\(Int64(latest + 1)), \(Int64(0)))")
            }
            #expect(throws: StoreError(code: .schemaMismatch, reason: "")) { try open(latest) }
        }
    }

    @Test func aStoreThatMayNotMigrateRefusesAnOldSchema() throws {
        let directory = try TemporaryDirectory(prefix: "backline-migrate")
        let path = directory.file("s.db")
        _ = try SQLFederationStore.makeSQLite(.file(path), schemaVersion: 1)
        #expect(throws: StoreError(code: .schemaMismatch, reason: "")) {
            try SQLFederationStore.makeSQLite(SQLiteConfiguration(path: path, allowMigration: false))
        }
    }
}
