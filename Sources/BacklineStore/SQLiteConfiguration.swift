import BacklineCore

/// How to open a SQLite store.
public struct SQLiteConfiguration: Sendable, Hashable {
    /// The database file, or `":memory:"` for a private in-memory database.
    public var path: String
    /// How long a writer waits for another connection's write lock, in milliseconds.
    public var busyTimeoutMilliseconds: Int32
    /// Cap on the database size in pages (`PRAGMA max_page_count`); nil leaves SQLite's default.
    public var maxPageCount: Int?
    /// Whether opening may create or migrate the schema (false: it must already be current).
    public var allowMigration: Bool

    /// A file database in WAL mode with a 5 s busy timeout.
    public static func file(_ path: String) -> SQLiteConfiguration { SQLiteConfiguration(path: path) }
    /// A private in-memory database (no WAL, one connection).
    public static var inMemory: SQLiteConfiguration { SQLiteConfiguration(path: ":memory:") }

    /// Creates a configuration.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5000, maxPageCount: Int? = nil, allowMigration: Bool = true) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.maxPageCount = maxPageCount
        self.allowMigration = allowMigration
    }

    /// True for the in-memory database.
    var isInMemory: Bool { path == ":memory:" }
}
