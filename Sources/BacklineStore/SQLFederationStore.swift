import BacklineCore
public import Foundation

/// The federation store over SQLite or PostgreSQL: one connection per instance, every call
/// serialised on it. Several instances (threads, processes, aggregator replicas) may share one
/// database; writers coordinate through the database (SQLite's write lock, PostgreSQL row locks).
///
/// A SQLite file store keeps update payloads in its ``StoreSpool`` (`<database>-spool/`):
/// each payload file is written and synced before the lock is taken, so submissions write in
/// parallel and the row commit stays small. PostgreSQL keeps payloads in the rows, where every
/// replica can read them.
public final class SQLFederationStore: FederationStore, @unchecked Sendable {
    // @unchecked: `connection` is only used while `lock` is held.
    private let lock = NSLock()
    private let connection: any SQLConnection
    /// The dialect of the underlying database.
    public let dialect: SQLDialect
    /// Transient failures (busy, connection lost before COMMIT) retried per transaction.
    private let transientRetries = 5
    /// Where payloads live outside the rows (SQLite file databases), if anywhere.
    private let spool: StoreSpool?

    private init(connection: any SQLConnection, schemaVersion: Int, allowMigration: Bool, spool: StoreSpool? = nil) throws {
        self.connection = connection
        self.dialect = connection.dialect
        self.spool = spool
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
        let connection = try SQLiteConnection(configuration)
        // Schema 5 added the spool's column; an older schema (migration tests) keeps payloads in rows.
        let spool = configuration.isInMemory || schemaVersion < 5 ? nil : try StoreSpool(databasePath: configuration.path)
        spool?.sweepLeftovers()
        return try SQLFederationStore(
            connection: connection,
            schemaVersion: schemaVersion,
            allowMigration: configuration.allowMigration,
            spool: spool
        )
    }

    /// Connects to PostgreSQL migrated only up to `schemaVersion` (migration tests).
    package static func makePostgres(
        _ configuration: PostgresConfiguration,
        schemaVersion: Int
    ) throws
        -> SQLFederationStore
    {
        try SQLFederationStore(
            connection: PostgresConnection(configuration),
            schemaVersion: schemaVersion,
            allowMigration: configuration.allowMigration
        )
    }

    /// The schema version currently recorded in the database.
    public func schemaVersion() throws -> Int {
        try withConnection { try SchemaMigrator.currentVersion($0) }
    }

    /// The schema version this program writes.
    public static var latestSchemaVersion: Int { SchemaMigrations.latestVersion }

    /// Runs `body` in one transaction; see ``FederationStore/withTransaction(_:)``.
    public func withTransaction<T>(_ body: (any FederationTransaction) throws -> T) throws -> T {
        try withSQLTransaction(body)
    }

    /// Stores the update durably and returns its receipt only after COMMIT; see
    /// ``FederationStore/submitUpdate(_:)``. With a spool, the payload file is synced first and
    /// the row names it; a file no row names (a refused submission) is removed again.
    public func submitUpdate(_ submission: UpdateSubmission) throws -> UpdateReceipt {
        guard let spool else { return try retryingUnknownOutcome { try withTransaction { try $0.submitUpdate(submission) } } }
        try StoreValidation.check(submission)
        let file = StoreSpool.fileName(round: submission.round, promoterID: submission.promoterID, digest: submission.digest)
        try spool.write(submission.payload, as: file)
        do {
            let (receipt, inserted) = try retryingUnknownOutcome {
                try withSQLTransaction { try $0.insertUpdate(submission, payloadFile: file) }
            }
            // An identical update stored earlier in a round that is over: its payloads are gone.
            if !inserted, let round = try self.round(submission.round), !round.state.acceptsUpdates, round.state != .aggregating {
                spool.remove(file)
            }
            return receipt
        } catch let error as StoreError where error.code == .conflict || error.code == .roundClosed || error.code == .invalidInput {
            // No row names this file: a conflicting row has another digest, a closed round none.
            spool.remove(file)
            throw error
        }
    }

    /// Empties the payloads of a published or failed round (see
    /// ``FederationStore/discardPayloads(inRound:at:)``), then zeroes and removes its spool files.
    @discardableResult
    public func discardPayloads(inRound round: Int64, at time: Date) throws -> Int {
        let discarded = try withTransaction { try $0.discardPayloads(inRound: round, at: time) }
        try spool?.discardRound(round)
        return discarded
    }

    private func withSQLTransaction<T>(_ body: (SQLFederationTransaction) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            // Reconnecting is bounded by the connection's own policy; its failure is final.
            try connection.ensureConnected()
            do {
                try connection.begin()
                do {
                    let result = try body(SQLFederationTransaction(connection: connection, spool: spool))
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
