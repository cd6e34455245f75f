import Testing

@testable import BacklineStore

/// A scratch PostgreSQL database with the schema, a fresh application role and a fresh auditor role
/// granted by ``SQLFederationStore/grantAccessRoles(application:auditor:)``; both roles are dropped
/// afterwards. For the access-control tests of every schema version.
enum PostgresAccessRoles {
    /// Runs `body` with the owner's store and the (non-migrating) configurations of the two roles.
    static func with(
        _ body: (_ owner: SQLFederationStore, _ app: PostgresConfiguration, _ auditor: PostgresConfiguration) throws -> Void
    ) throws {
        let appRole = PostgresTestEnvironment.randomName("bl_app")
        let auditorRole = PostgresTestEnvironment.randomName("bl_auditor")
        let server = try #require(PostgresTestEnvironment.configuration)
        try PostgresTestEnvironment.admin(server) {
            try $0.executeScript(unsafeSQL: "CREATE ROLE \(appRole) LOGIN; CREATE ROLE \(auditorRole) LOGIN;")
        }
        defer {
            try? PostgresTestEnvironment.admin(server) {
                try $0.executeScript(unsafeSQL: "DROP ROLE IF EXISTS \(appRole); DROP ROLE IF EXISTS \(auditorRole);")
            }
        }
        try PostgresTestEnvironment.withDatabase { configuration in
            let owner = try SQLFederationStore.makePostgres(configuration)
            try owner.grantAccessRoles(application: appRole, auditor: auditorRole)
            var noMigration = configuration
            noMigration.allowMigration = false
            try body(owner, noMigration.with(user: appRole), noMigration.with(user: auditorRole))
        }
    }

    /// Whether `role` holds `privilege` on `table`, as the owner sees it.
    static func privilege(_ owner: SQLFederationStore, _ role: String, _ table: String, _ privilege: String) throws -> Bool {
        try owner.withConnection { try $0.query("SELECT has_table_privilege(\(role), \(table), \(privilege))") }.first?.int64(0) == 1
    }
}
