import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineStore

/// The backends every contract test runs against; PostgreSQL only when a server is configured.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case sqliteMemory
    case sqliteFile
    case postgres

    var testDescription: String { rawValue }

    /// Every backend available in this run.
    static var available: [StoreBackend] {
        allCases.filter { $0 != .postgres || PostgresTestEnvironment.isAvailable }
    }

    /// Backends where two connections share one database (for concurrency tests).
    static var shared: [StoreBackend] { available.filter { $0 != .sqliteMemory } }

    /// Runs `body` with a fresh, empty store of this backend and a way to open another
    /// connection to the same database.
    func withStore<T>(_ body: (StoreFixture) throws -> T) throws -> T {
        switch self {
        case .memory:
            let store = InMemoryFederationStore()
            return try body(StoreFixture(primary: store) { store })
        case .sqliteMemory:
            let store = try SQLFederationStore.makeSQLite(.inMemory)
            return try body(StoreFixture(primary: store) { store })
        case .sqliteFile:
            let directory = try TemporaryDirectory(prefix: "backline-store")
            let path = directory.file("store.db")
            let store = try SQLFederationStore.makeSQLite(.file(path))
            return try withExtendedLifetime(directory) {
                try body(StoreFixture(primary: store) { try SQLFederationStore.makeSQLite(.file(path)) })
            }
        case .postgres:
            return try PostgresTestEnvironment.withDatabase { configuration in
                let store = try SQLFederationStore.makePostgres(configuration)
                return try body(StoreFixture(primary: store) { try SQLFederationStore.makePostgres(configuration) })
            }
        }
    }
}

/// A store under test, plus a factory for further connections to the same database.
struct StoreFixture {
    let primary: any FederationStore
    let openAnother: () throws -> any FederationStore
}
