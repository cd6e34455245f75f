import BacklineAggregator
import BacklineAudit
import BacklineCore
import BacklineTransport
import Foundation
import Testing

@testable import BacklineStore

/// The aggregator on PostgreSQL (the production store): a full round and the audit log in the
/// database verify. Needs `BACKLINE_PG_URL` (scripts/with-postgres.sh); under CI=true or
/// BACKLINE_REQUIRE_PG=1 a missing server fails the test instead of skipping it.
@Suite struct AggregatorPostgresTests {
    static let environment = ProcessInfo.processInfo.environment
    static var server: PostgresConfiguration? { try? PostgresConfiguration.fromEnvironment(environment) }
    static var required: Bool { environment["CI"] == "true" || environment["BACKLINE_REQUIRE_PG"] == "1" }

    @Test(.enabled(if: server != nil || required, "BACKLINE_PG_URL is not set"))
    func aFullRoundOnPostgreSQLPublishesAndItsAuditLogVerifies() async throws {
        let server = try #require(Self.server, "BACKLINE_PG_URL must point at a PostgreSQL server")
        let database = try PostgresScratchDatabase(server: server, prefix: "bl_agg")
        defer { try? database.drop() }
        let configuration = database.configuration
        let fixture = try await AggregatorFixture.make { _ in try SQLFederationStore.makePostgres(configuration) }
        let round = try await fixture.openRound()
        for node in ["p1", "p2", "p3"] {
            #expect(try await fixture.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
        }
        #expect(try await fixture.close(round).status == 200)
        #expect(try fixture.store.withTransaction { try $0.latestModelVersion() }?.version == 1)
        try await fixture.startService()  // restart on the same database: the log reopens against its checkpoint
        _ = try fixture.service.auditLog.checkpoint()
        let report = AuditVerifier(origin: AggregatorFixture.origin, keys: [fixture.signer.verifierKey])
            .verify(storage: StoreAuditStorage(store: fixture.store), saved: nil)
        #expect(report.ok, "\(report.problems)")
        #expect(report.entries > 5)
    }
}
