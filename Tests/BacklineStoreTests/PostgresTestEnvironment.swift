import BacklineCore
import Foundation

@testable import BacklineStore

/// Reaching the test PostgreSQL server from `BACKLINE_PG_URL` (set by scripts/with-postgres.sh).
/// A missing server is a failure under CI=true or BACKLINE_REQUIRE_PG=1, never a silent skip.
enum PostgresTestEnvironment {
    static let environment = ProcessInfo.processInfo.environment

    /// The server's configuration, or nil when `BACKLINE_PG_URL` is unset.
    static var configuration: PostgresConfiguration? {
        try? PostgresConfiguration.fromEnvironment(environment)
    }

    /// Whether a server is configured.
    static var isAvailable: Bool { configuration != nil }

    /// Whether the run demands a server (CI, `make test`).
    static var isRequired: Bool { environment["CI"] == "true" || environment["BACKLINE_REQUIRE_PG"] == "1" }

    /// A random lowercase name with `prefix`, usable as a database or role name.
    static func randomName(_ prefix: String) -> String {
        prefix + "_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    /// Runs `body` with a fresh database (dropped afterwards, even on failure).
    static func withDatabase<T>(_ body: (PostgresConfiguration) throws -> T) throws -> T {
        guard let server = configuration else { throw StoreError.database(.unavailable, "BACKLINE_PG_URL is not set") }
        let database = try PostgresScratchDatabase(server: server, prefix: "bl_test")
        defer { try? database.drop() }
        return try body(database.configuration)
    }

    /// Runs `body` on a raw connection to the server's maintenance database.
    static func admin<T>(_ server: PostgresConfiguration, _ body: (PostgresConnection) throws -> T) throws -> T {
        try body(try PostgresConnection(server))
    }
}
