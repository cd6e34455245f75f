import BacklineCore
import Foundation

/// The federation store over SQLite or PostgreSQL: one connection per instance, every call
/// serialised on it. Several instances (threads, processes, aggregator replicas) may share one
/// database; writers coordinate through the database (SQLite's write lock, PostgreSQL row locks).
public final class SQLFederationStore: FederationStore, @unchecked Sendable {
    // @unchecked: `connection` is only used while `lock` is held.
    private let lock = NSLock()
    private let connection: any SQLConnection
    /// The dialect of the underlying database.
    public let dialect: SQLDialect
    /// Transient failures (busy, connection lost before COMMIT) retried per transaction.
    private let transientRetries = 5

    private init(connection: any SQLConnection, schemaVersion: Int, allowMigration: Bool) throws {
        self.connection = connection
        self.dialect = connection.dialect
        try SchemaMigrator.migrate(connection, to: schemaVersion, allowMigration: allowMigration)
    }

    /// Opens (creating and migrating as needed) a SQLite store.
    public static func makeSQLite(_ configuration: SQLiteConfiguration) throws -> SQLFederationStore {
        try makeSQLite(configuration, schemaVersion: SchemaMigrations.latestVersion)
    }

    /// Connects to PostgreSQL and migrates the schema as needed.
    public static func makePostgres(_ configuration: PostgresConfiguration) throws -> SQLFederationStore {
        try makePostgres(configuration, schemaVersion: SchemaMigrations.latestVersion)
    }

    /// Opens SQLite migrated only up to `schemaVersion` (migration tests).
    package static func makeSQLite(_ configuration: SQLiteConfiguration, schemaVersion: Int) throws -> SQLFederationStore {
        try SQLFederationStore(connection: SQLiteConnection(configuration), schemaVersion: schemaVersion,
                               allowMigration: configuration.allowMigration)
    }

    /// Connects to PostgreSQL migrated only up to `schemaVersion` (migration tests).
    package static func makePostgres(_ configuration: PostgresConfiguration, schemaVersion: Int) throws
        -> SQLFederationStore
    {
        try SQLFederationStore(connection: PostgresConnection(configuration), schemaVersion: schemaVersion,
                               allowMigration: configuration.allowMigration)
    }

    /// The schema version currently recorded in the database.
    public func schemaVersion() throws -> Int {
        try withConnection { try SchemaMigrator.currentVersion($0) }
    }

    /// The schema version this program writes.
    public static var latestSchemaVersion: Int { SchemaMigrations.latestVersion }

    /// Runs `body` in one transaction; see ``FederationStore/withTransaction(_:)``.
    public func withTransaction<T>(_ body: (any FederationTransaction) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            // Reconnecting is bounded by the connection's own policy; its failure is final.
            try connection.ensureConnected()
            do {
                try connection.begin()
                do {
                    let result = try body(SQLFederationTransaction(connection: connection))
                    try connection.commit()
                    return result
                } catch {
                    connection.rollback()
                    throw error
                }
            } catch let error as StoreError where error.isRetryable && attempt < transientRetries {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.01 * Double(attempt) * Double.random(in: 0.5...1.5))
            }
        }
    }

    /// Run after ``FederationStore/discardPayloads(inRound:at:)`` so discarded bytes leave the disk
    /// where the engine allows. SQLite: checkpoints and truncates the WAL, which still holds old page
    /// images (freed pages are already zeroed by `secure_delete`). PostgreSQL: `VACUUM updates`
    /// makes dead row versions reusable, but PostgreSQL does not zero them; rely on disk encryption.
    public func purgeDiscardedData() throws {
        try withConnection { connection in
            switch connection.dialect {
            case .sqlite:
                let result = try connection.query("PRAGMA wal_checkpoint(TRUNCATE)").first
                guard try result?.int64(0) == 0 else {
                    throw StoreError.database(.busy, "WAL checkpoint blocked by another connection")
                }
            case .postgres:
                try connection.executeScript(unsafeSQL: "VACUUM updates")
            }
        }
    }

    /// Raw access to the connection, outside any transaction (tests, role setup, benchmarks).
    package func withConnection<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try connection.ensureConnected()
        return try body(connection)
    }
}
