import BacklineCore
internal import CBacklineShims
internal import CSQLite
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection (`sqlite3 *`), closed in `deinit`: WAL for files, foreign keys on,
/// extended result codes, a busy timeout, `synchronous = FULL` (a commit is on disk before the
/// caller acknowledges), and a cache of prepared statements keyed by SQL text.
final class SQLiteConnection: SQLConnection {
    let dialect = SQLDialect.sqlite
    private let handle: OpaquePointer
    private let path: String
    private var statements: [String: SQLiteStatement] = [:]

    init(_ configuration: SQLiteConfiguration) throws {
        path = configuration.path
        if !configuration.isInMemory { try Self.createPrivateFile(configuration.path) }
        var database: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(configuration.path, &database, flags, nil)
        guard status == SQLITE_OK, let database else {
            sqlite3_close_v2(database)
            throw StoreError.database(
                .unavailable,
                "cannot open SQLite database \(configuration.path) (code \(status))",
                libraryCode: Int(status)
            )
        }
        handle = database
        sqlite3_extended_result_codes(database, 1)
        sqlite3_busy_timeout(database, configuration.busyTimeoutMilliseconds)
        if !configuration.isInMemory {
            let mode = try query("PRAGMA journal_mode = WAL").first?.string(0)
            guard mode?.lowercased() == "wal" else {
                throw StoreError.database(.database, "SQLite refused WAL mode for \(configuration.path)")
            }
        }
        // secure_delete: discarded payloads are overwritten in the file, not left in free pages.
        try executeScript(unsafeSQL: "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;")
        if let pages = configuration.maxPageCount {
            guard pages > 0 else { throw StoreError.invalidInput("maxPageCount", "must be positive") }
            _ = try query(SQLQuery(unsafeSQL: "PRAGMA max_page_count = \(pages)"))
        }
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Creates the file with mode 0600 before SQLite opens it (SQLite gives the -wal and -shm
    /// files the same mode).
    private static func createPrivateFile(_ path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.database(
                .unavailable,
                "cannot create \(path): \(String(cString: strerror(errno)))",
                libraryCode: Int(errno)
            )
        }
        close(descriptor)
    }

    func query(_ query: SQLQuery) throws -> [SQLRow] {
        let (sql, binds) = query.rendered(for: dialect)
        return try statement(sql).run(binds)
    }

    @discardableResult
    func execute(_ query: SQLQuery) throws -> Int {
        let (sql, binds) = query.rendered(for: dialect)
        _ = try statement(sql).run(binds)
        return Int(sqlite3_changes64(handle))
    }

    private func statement(_ sql: String) throws -> SQLiteStatement {
        if let cached = statements[sql] { return cached }
        let statement = try SQLiteStatement(connection: self, database: handle, sql: sql)
        // Multi-row audit inserts make a few shapes; keep the cache bounded all the same.
        if statements.count >= 256 { statements.removeAll() }
        statements[sql] = statement
        return statement
    }

    func executeScript(unsafeSQL sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        let detail = message.map { String(cString: $0) }
        sqlite3_free(message)
        guard status == SQLITE_OK else { throw error(status, while: "running a script", detail: detail) }
    }

    /// `BEGIN IMMEDIATE`: takes the write lock up front (waiting up to the busy timeout), so two
    /// writers never deadlock upgrading read locks.
    func begin() throws { try executeScript(unsafeSQL: "BEGIN IMMEDIATE") }

    func commit() throws { try executeScript(unsafeSQL: "COMMIT") }

    func rollback() {
        if sqlite3_get_autocommit(handle) == 0 { _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
    }

    func ensureConnected() throws {}

    /// Maps a SQLite result code to a store error; messages name the database file, not values.
    func error(_ status: Int32, while action: String, detail: String? = nil) -> StoreError {
        let message = detail ?? String(cString: sqlite3_errmsg(handle))
        let reason = "SQLite \(path): \(action): \(message)"
        let primary = status & 0xFF
        let code: StoreError.Code
        switch primary {
        case SQLITE_FULL: code = .storageFull
        case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
        case SQLITE_CONSTRAINT:
            if status == CBacklineShims_SQLITE_CONSTRAINT_TRIGGER {
                code = .appendOnly
            } else if status == CBacklineShims_SQLITE_CONSTRAINT_PRIMARYKEY || status == CBacklineShims_SQLITE_CONSTRAINT_UNIQUE {
                code = .conflict
            } else {
                code = .invalidInput
            }
        case SQLITE_CANTOPEN: code = .unavailable
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH: code = .permissionDenied
        default: code = .database
        }
        return StoreError.database(code, reason, libraryCode: Int(status))
    }
}
