import BacklineCore
internal import CLibPQ
public import Foundation

/// How to reach PostgreSQL: a libpq connection string or URI (from config or `BACKLINE_PG_URL`),
/// parsed by libpq itself. Anything but a loopback host or a local socket must use
/// `sslmode=verify-full`; ``init(connectionString:environment:)`` refuses otherwise.
public struct PostgresConfiguration: Sendable, Hashable {
    /// The environment variable holding the connection string.
    public static let environmentVariable = "BACKLINE_PG_URL"

    /// Parsed keyword/value options, in libpq's order.
    private(set) var options: [String: String]
    /// How to reconnect after the connection is lost.
    public var reconnectPolicy: ReconnectPolicy
    /// Whether opening may create or migrate the schema (false: it must already be current).
    public var allowMigration: Bool

    /// Parses `connectionString` (URI or `key=value` form) and checks that it is safe.
    /// `environment` supplies libpq's fallbacks (PGHOST, PGSSLMODE) for the safety check.
    public init(
        connectionString: String,
        reconnectPolicy: ReconnectPolicy = ReconnectPolicy(),
        allowMigration: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(connectionString, &message) else {
            let detail = message.map { String(cString: $0) } ?? "unparseable"
            PQfreemem(message)
            throw StoreError.invalidInput("PostgreSQL connection string", detail.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        defer { PQconninfoFree(parsed) }
        var options: [String: String] = [:]
        var cursor = parsed
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val { options[String(cString: keyword)] = String(cString: value) }
            cursor += 1
        }
        self.options = options
        self.reconnectPolicy = reconnectPolicy
        self.allowMigration = allowMigration
        try Self.checkTransportSecurity(options, environment: environment)
    }

    /// The configuration from `BACKLINE_PG_URL`, or nil when it is not set.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws
        -> PostgresConfiguration?
    {
        guard let url = environment[environmentVariable], !url.isEmpty else { return nil }
        return try PostgresConfiguration(connectionString: url, environment: environment)
    }

    /// The same server and credentials, another database.
    public func with(database: String) -> PostgresConfiguration { with("dbname", database) }

    /// The same server and database, another role.
    public func with(user: String) -> PostgresConfiguration { with("user", user) }

    private func with(_ keyword: String, _ value: String) -> PostgresConfiguration {
        var copy = self
        copy.options[keyword] = value
        return copy
    }

    /// The database name, if given.
    public var database: String? { options["dbname"] }
    /// The role name, if given.
    public var user: String? { options["user"] }

    /// Host, port, database and user, never the password.
    public var redactedDescription: String {
        "host=\(options["host"] ?? options["hostaddr"] ?? "(default)") port=\(options["port"] ?? "(default)") "
            + "dbname=\(options["dbname"] ?? "(default)") user=\(options["user"] ?? "(default)")"
    }

    /// Options as parallel keyword/value arrays for `PQconnectdbParams`.
    var keywordValuePairs: [(String, String)] {
        var pairs = options.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if options["application_name"] == nil { pairs.append(("application_name", "backline")) }
        if options["connect_timeout"] == nil { pairs.append(("connect_timeout", "5")) }
        return pairs
    }

    /// True for a name or address that stays on this machine.
    static func isLocal(_ host: String) -> Bool {
        if host.hasPrefix("/") || host.hasPrefix("@") { return true }
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    private static func checkTransportSecurity(_ options: [String: String], environment: [String: String]) throws {
        let hostList = options["host"] ?? environment["PGHOST"] ?? ""
        let addressList = options["hostaddr"] ?? environment["PGHOSTADDR"] ?? ""
        let hosts = (hostList.split(separator: ",") + addressList.split(separator: ",")).map(String.init)
        let remote = hosts.filter { !isLocal($0) }
        guard !remote.isEmpty else { return }
        let sslMode = options["sslmode"] ?? environment["PGSSLMODE"] ?? "prefer"
        guard sslMode == "verify-full" else {
            throw StoreError(
                code: .insecureConfiguration,
                reason: "PostgreSQL host \(remote[0]) is not loopback: sslmode=verify-full required, got \(sslMode)"
            )
        }
    }
}
