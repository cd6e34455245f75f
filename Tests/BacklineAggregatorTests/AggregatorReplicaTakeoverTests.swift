import BacklineAudit
import BacklineCore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

@testable import BacklineAggregator
@testable import BacklineStore

/// Issue 7 ("kill -9 at any point … mid-aggregation" and "several aggregator processes on one
/// PostgreSQL … a round still completes exactly once"; SECURITY-TESTS 49, 55): two real
/// `backline aggregator serve` replicas on one private PostgreSQL cluster with
/// `stall_timeout_seconds` 2. Replica A takes the close and dies mid-aggregation
/// (`BACKLINE_TEST_CRASH_AT=aggregate`: claimed, audit entry written, nothing committed); replica
/// B, never restarted, sees the round stalled and publishes it within seconds, exactly once.
/// Needs `BACKLINE_PG_BIN` (scripts/with-postgres.sh); under CI=true or BACKLINE_REQUIRE_PG=1
/// its absence fails.
@Suite struct AggregatorReplicaTakeoverTests {
    static let stallTimeout = 2.0

    /// Adds `"stall_timeout_seconds": seconds` to the configuration file a process serves from.
    static func setStallTimeout(_ seconds: Double, of process: AggregatorProcess) throws {
        let url = URL(fileURLWithPath: process.configPath)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        json["stall_timeout_seconds"] = seconds
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        #expect(try AggregatorConfiguration.load(path: process.configPath).effectiveStallTimeoutSeconds == seconds)
    }

    @Test(
        .enabled(
            if: AggregatorReplicaTests.environment["BACKLINE_PG_BIN"] != nil || AggregatorReplicaTests.required,
            "BACKLINE_PG_BIN is not set"
        )
    )
    func aReplicaDyingMidAggregationIsPublishedByTheOtherExactlyOnce() async throws {
        let cluster = try ThrowawayPostgresCluster()
        let fixture = try AggregatorFixture()
        let store = #"{"postgres": "\#(cluster.url)"}"#
        let a = try AggregatorProcess(fixture: fixture, name: "replica-a", store: store)
        let b = try AggregatorProcess(fixture: fixture, name: "replica-b", store: store)
        for replica in [a, b] { try Self.setStallTimeout(Self.stallTimeout, of: replica) }
        try await a.start(crashAt: "aggregate")
        try await b.start()
        defer { b.kill9() }
        let round = try await a.openRound()
        // Promoters submit through both replicas.
        for (index, node) in ["p1", "p2", "p3"].enumerated() {
            let replica = index == 1 ? b : a
            #expect(try await replica.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
        }
        // A takes the close and dies mid-aggregation: the close never answers.
        let closing = try? await a.send(.operator, "ops", HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/close"))
        #expect(closing == nil || closing?.status == 503)
        #expect(try await a.waitForExit() == 137, "\(a.log)")
        #expect(a.log.contains("BACKLINE_TEST_CRASH_AT=aggregate"))

        let reader = try SQLFederationStore.makePostgres(try PostgresConfiguration(connectionString: cluster.url))
        // Right after A's death the round is claimed by nobody alive, and nothing is published.
        let claimed = try #require(try reader.round(round))
        #expect(claimed.state == .aggregating)
        #expect(try reader.withTransaction { try $0.latestModelVersion() } == nil)

        // B's clock takes it over once it has been claimed for the stall timeout: within seconds, not a minute.
        #expect(try await AggregatorReplicaTests.wait(10) { try reader.round(round)?.state == .published }, "\(b.log)")
        let published = try #require(try reader.round(round))
        let stalledFor = published.updatedAt.timeIntervalSince(claimed.updatedAt)
        #expect(stalledFor >= Self.stallTimeout && stalledFor < Self.stallTimeout + 6, "published \(stalledFor) s after the claim")
        #expect(b.log.contains("resuming the aggregation of a round left half-done"), "\(b.log)")

        // Exactly once: one model version from this round, each update aggregated once, one
        // ledger charge per contributor, and the round cannot be closed again.
        try await Task.sleep(for: .seconds(Self.stallTimeout + 1))  // B's clock passes again
        let model = try #require(try reader.withTransaction { try $0.latestModelVersion() })
        #expect(model.version == 1 && model.round == round)
        #expect(try reader.withTransaction { try $0.modelVersion(2) } == nil)
        let updates = try reader.updates(inRound: round)
        #expect(updates.map(\.promoterID) == ["p1", "p2", "p3"])
        #expect(updates.allSatisfy { $0.status == .aggregated && $0.payload.isEmpty })
        let charges = try reader.withTransaction { try $0.ledgerEntries(promoterID: nil) }
        #expect(charges.map(\.promoterID).sorted() == ["p1", "p2", "p3"])
        #expect(charges.allSatisfy { $0.round == round })
        try await AggregatorCrashTests.expectWholeModel(b, version: 1, shift: -0.5 / 10)
        let again = try await b.send(.operator, "ops", HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/close"))
        #expect(again.status == 409)
        let current = try await b.currentRound(as: "p2")
        #expect(current.round == round && current.model_version == 1 && current.state == "published")

        // The shared audit log: no gaps, every leaf hash matches its stored entry. Each replica
        // announced its publish before committing ("publishing": A's died uncommitted, B's
        // committed), and only B's committed publish has the outcome "published".
        let entries = try reader.auditEntries(AuditFilter(limit: 10_000)).map { try AuditEntry(canonicalBytes: $0.entry) }
        let publishes = entries.filter { $0.action == "publish_model" }
        #expect(publishes.allSatisfy { $0.resource == "model:1" }, "\(publishes.map(\.resource))")
        #expect(publishes.filter { $0.outcome == "publishing" }.count == 2)
        #expect(publishes.filter { $0.outcome == "published" }.count == 1)
        #expect(publishes.last?.outcome == "published")
        let storage = StoreAuditStorage(store: reader)
        let count = try storage.count()
        let rows = try reader.auditEntries(AuditFilter(limit: 10_000))
        #expect(rows.map(\.index) == Array(0..<Int64(count)))
        #expect(try rows.allSatisfy { try AuditEntry(canonicalBytes: $0.entry).leafHash.bytes == $0.leafHash })

        // And it verifies as an auditor checks it: reopened against its signed checkpoints, a
        // fresh checkpoint over every entry, then `backline audit verify` on the database.
        b.kill9()
        let signer = try AuditSigningKey.load(path: fixture.directory.file("audit.key"), origin: AggregatorFixture.origin)
        _ = try AuditLog(storage: storage, signer: signer, origin: AggregatorFixture.origin).checkpoint()
        let keyFile = fixture.directory.file("audit.vkey")
        try Data(signer.verifierKey.text.utf8).write(to: URL(fileURLWithPath: keyFile))
        let verified = try BuiltBinary.run(["audit", "verify", "--postgres", cluster.url, "--key", keyFile, "--json"])
        #expect(verified.status == 0, "\(verified.standardOutput) \(verified.standardError)")
        #expect(
            verified.standardOutput.contains("\"ok\":true") && verified.standardOutput.contains("\"entries\":\(count)"),
            "\(verified.standardOutput)"
        )
    }
}
