import BacklineCore
import Foundation

/// Brings a database to ``SchemaMigrations/latestVersion`` (or a chosen version), one script per
/// transaction, recording each in `schema_version`. Concurrent migrators serialise: SQLite on its
/// write lock, PostgreSQL on a transaction-scoped advisory lock.
enum SchemaMigrator {
    /// Arbitrary constant naming the migration advisory lock on PostgreSQL.
    private static let advisoryLockKey: Int64 = 0x4261_636B_6C69_6E65

    /// The schema version of the database (0 when empty).
    static func currentVersion(_ connection: any SQLConnection) throws -> Int {
        let exists: Bool
        switch connection.dialect {
        case .sqlite:
            exists = try !connection.query(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).isEmpty
        case .postgres:
            exists = try !connection.query(
                "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_version'"
            )
            .isEmpty
        }
        guard exists else { return 0 }
        let row = try connection.query("SELECT version FROM \(table: .schemaVersion) ORDER BY version DESC LIMIT 1").first
        return Int(try row?.int64(0) ?? 0)
    }

    /// Migrates to `target`; with `allowMigration` false only checks the version.
    static func migrate(
        _ connection: any SQLConnection,
        to target: Int = SchemaMigrations.latestVersion,
        allowMigration: Bool = true
    ) throws {
        let found = try currentVersion(connection)
        if found > SchemaMigrations.latestVersion {
            throw StoreError.database(
                .schemaMismatch,
                "database schema is version \(found), this program knows up to \(SchemaMigrations.latestVersion)"
            )
        }
        guard found < target else { return }
        guard allowMigration else {
            throw StoreError.database(.schemaMismatch, "database schema is version \(found), \(target) required")
        }
        for version in (found + 1)...target {
            try connection.begin()
            do {
                if connection.dialect == .postgres {
                    _ = try connection.query("SELECT pg_advisory_xact_lock(\(advisoryLockKey))")
                }
                try connection.executeScript(unsafeSQL: SchemaMigrations.schemaVersionTable)
                // Another migrator may have applied it while we waited for the lock.
                if try currentVersion(connection) >= version {
                    try connection.commit()
                    continue
                }
                try connection.executeScript(unsafeSQL: SchemaMigrations.script(version: version, dialect: connection.dialect))
                try connection.execute(
                    """
                    INSERT INTO \(table: .schemaVersion) (version, applied_ms) VALUES (\(Int64(version)), \(Date().storedMillis))
                    """
                )
                try connection.commit()
            } catch {
                connection.rollback()
                throw error
            }
        }
    }
}
