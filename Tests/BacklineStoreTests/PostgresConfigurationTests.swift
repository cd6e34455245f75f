import BacklineCore
import Testing

@testable import BacklineStore

@Suite struct PostgresConfigurationTests {
    @Test(arguments: [
        "postgresql://app@127.0.0.1:5432/backline",
        "postgresql://app@localhost/backline",
        "host=/var/run/postgresql dbname=backline",
        "postgresql://app@db.example.org/backline?sslmode=verify-full",
        "host=10.0.0.5 sslmode=verify-full dbname=x",
    ])
    func loopbackOrVerifiedConnectionsAreAccepted(url: String) throws {
        _ = try PostgresConfiguration(connectionString: url, environment: [:])
    }

    @Test(arguments: [
        "postgresql://app@db.example.org/backline",
        "postgresql://app@db.example.org/backline?sslmode=require",
        "postgresql://app@db.example.org/backline?sslmode=verify-ca",
        "host=127.0.0.1,10.0.0.5 dbname=x sslmode=prefer",
        "hostaddr=192.0.2.1 dbname=x",
    ])
    func remoteHostsWithoutVerifyFullAreRefused(url: String) {
        #expect(throws: StoreError(code: .insecureConfiguration, reason: "")) {
            try PostgresConfiguration(connectionString: url, environment: [:])
        }
    }

    @Test func environmentHostCountsWhenTheStringNamesNone() {
        #expect(throws: StoreError(code: .insecureConfiguration, reason: "")) {
            try PostgresConfiguration(connectionString: "dbname=x", environment: ["PGHOST": "db.example.org"])
        }
    }

    @Test func garbageIsRefusedAndPasswordsAreNotDescribed() throws {
        #expect(throws: StoreError(code: .invalidInput, reason: "")) {
            try PostgresConfiguration(connectionString: "host=127.0.0.1 nonsense_key=1", environment: [:])
        }
        let configuration = try PostgresConfiguration(connectionString: "postgresql://app:s3cret@127.0.0.1/db", environment: [:])
        #expect(!configuration.redactedDescription.contains("s3cret"))
        #expect(configuration.with(database: "other").database == "other")
        #expect(configuration.with(user: "auditor").user == "auditor")
    }

    @Test func unsetVariableMeansNoConfiguration() throws {
        #expect(try PostgresConfiguration.fromEnvironment([:]) == nil)
    }

    /// Under CI=true or BACKLINE_REQUIRE_PG=1 a missing server fails the run instead of skipping.
    @Test func postgresIsPresentWhenTheRunRequiresIt() {
        if PostgresTestEnvironment.isRequired {
            #expect(PostgresTestEnvironment.isAvailable, "BACKLINE_PG_URL must be set (run under scripts/with-postgres.sh)")
        }
        #expect(PostgresTestEnvironment.isAvailable || !PostgresTestEnvironment.isRequired)
    }
}
