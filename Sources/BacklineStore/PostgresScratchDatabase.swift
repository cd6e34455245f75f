import BacklineCore
import Foundation

/// A randomly named PostgreSQL database created for one benchmark or test run and dropped by
/// ``drop()``. Needs a role allowed to CREATE DATABASE.
package final class PostgresScratchDatabase {
    /// The server's configuration pointed at the new database.
    package let configuration: PostgresConfiguration
    private let server: PostgresConfiguration
    private let name: String

    /// Creates `prefix_<random>` on `server`.
    package init(server: PostgresConfiguration, prefix: String = "backline_scratch") throws {
        let name = prefix + "_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        _ = try SQLFederationStore.quotedRole(name)  // same identifier rules as role names
        try PostgresConnection(server).executeScript(unsafeSQL: "CREATE DATABASE \(name)")
        self.server = server
        self.name = name
        self.configuration = server.with(database: name)
    }

    /// Drops the database, closing any connection still open to it.
    package func drop() throws {
        try PostgresConnection(server).executeScript(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
