import BacklineAudit
import BacklineCore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

@testable import BacklineAggregator
@testable import BacklineStore

/// Real aggregator processes on PostgreSQL (issue 7, item 2; SECURITY-TESTS 49, 55): two
/// replicas on one database complete a round exactly once, and a `pg_ctl restart -m immediate`
/// mid-round loses and doubles nothing. Needs `BACKLINE_PG_URL` / `BACKLINE_PG_BIN`
/// (scripts/with-postgres.sh); under CI=true or BACKLINE_REQUIRE_PG=1 their absence fails.
@Suite struct AggregatorReplicaTests {
    static let environment = ProcessInfo.processInfo.environment
    static var required: Bool { environment["CI"] == "true" || environment["BACKLINE_REQUIRE_PG"] == "1" }
    static var serverURL: String? { environment[PostgresConfiguration.environmentVariable].flatMap { $0.isEmpty ? nil : $0 } }
    static let targetDefaults =
        #"{"min_clients": 3, "target_clients": 4, "deadline_seconds": 600, "clip_norm": 1, "noise_multiplier": 1.1, "strategy": "fedavg"}"#

    /// `url` with its database replaced by `database`.
    static func url(_ url: String, database: String) throws -> String {
        var components = try #require(URLComponents(string: url))
        components.path = "/" + database
        return try #require(components.string)
    }

    /// Waits up to `seconds` for `condition`.
    static func wait(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    @Test(.enabled(if: serverURL != nil || required, "BACKLINE_PG_URL is not set"))
    func twoReplicasOnOneDatabaseCompleteTheRoundExactlyOnce() async throws {
        let server = try #require(Self.serverURL, "BACKLINE_PG_URL must point at a PostgreSQL server")
        let database = try PostgresScratchDatabase(server: try PostgresConfiguration(connectionString: server), prefix: "bl_replicas")
        defer { try? database.drop() }
        let databaseURL = try Self.url(server, database: try #require(database.configuration.database))
        let fixture = try AggregatorFixture()
        let store = #"{"postgres": "\#(databaseURL)"}"#
        let replicas = [
            try AggregatorProcess(fixture: fixture, name: "replica-a", store: store, roundDefaults: Self.targetDefaults, autoRounds: 2),
            try AggregatorProcess(fixture: fixture, name: "replica-b", store: store, roundDefaults: Self.targetDefaults, autoRounds: 2),
        ]
        // Both start at once and race to open round 1 (auto_rounds) on the shared store.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for replica in replicas { group.addTask { try await replica.start() } }
            try await group.waitForAll()
        }
        let reader = try SQLFederationStore.makePostgres(database.configuration)
        // If both lose the start-up race (a serialization failure each), a clock tick opens it within a second.
        #expect(try await Self.wait(5) { try reader.withTransaction { try $0.rounds(in: nil) }.map(\.id) == [1] })
        #expect(try reader.withTransaction { try $0.rounds(in: nil) }.map(\.id) == [1])
        // Promoters spread over both replicas, submitting concurrently.
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, node) in AggregatorFixture.promoters.enumerated() {
                let replica = replicas[index % 2]
                group.addTask { try await replica.submit(try fixture.updateBody(round: 1, node: node), as: node, to: 1).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == [200, 200, 200, 200])
        #expect(try await Self.wait(20) { try reader.round(1)?.state == .published }, "\(replicas.map(\.log))")
        // Exactly one model version from round 1, every update counted once, one next round.
        #expect(try await Self.wait(10) { try reader.withTransaction { try $0.rounds(in: nil) }.count == 2 })
        try await Task.sleep(for: .milliseconds(1500))  // both replicas' ticks pass again
        let rounds = try reader.withTransaction { try $0.rounds(in: nil) }
        #expect(rounds.map(\.id) == [1, 2])
        #expect(rounds.last?.state == .open)
        #expect(try reader.withTransaction { try $0.latestModelVersion() }?.version == 1)
        #expect(try reader.updates(inRound: 1).map(\.status) == [.aggregated, .aggregated, .aggregated, .aggregated])
        let charges = try reader.withTransaction { try $0.ledgerEntries(promoterID: nil) }
        #expect(charges.map(\.promoterID).sorted() == AggregatorFixture.promoters)
        let entries = try reader.auditEntries(AuditFilter(limit: 10_000)).map { try AuditEntry(canonicalBytes: $0.entry) }
        #expect(entries.filter { $0.action == "publish_model" && $0.outcome == "published" }.count == 1)
        // Both replicas serve the same state.
        for replica in replicas {
            let current = try await replica.currentRound(as: "p4")
            #expect(current.round == 2 && current.model_version == 1 && current.contributions == 0)
        }
        // The shared audit log has no gaps and every leaf hash matches its stored entry: two
        // writers interleaved without corrupting it.
        let storage = StoreAuditStorage(store: reader)
        let count = try storage.count()
        #expect(try storage.leafData(from: 0, to: count).count == count)
        let rows = try reader.auditEntries(AuditFilter(limit: 10_000))
        #expect(rows.map(\.index) == Array(0..<Int64(count)))
        #expect(try rows.allSatisfy { try AuditEntry(canonicalBytes: $0.entry).leafHash.bytes == $0.leafHash })
    }

    @Test(.enabled(if: environment["BACKLINE_PG_BIN"] != nil || required, "BACKLINE_PG_BIN is not set"))
    func aPostgreSQLRestartMidRoundStillCompletesTheRound() async throws {
        let cluster = try ThrowawayPostgresCluster()
        let fixture = try AggregatorFixture()
        let process = try AggregatorProcess(
            fixture: fixture,
            store: #"{"postgres": "\#(cluster.url)"}"#,
            roundDefaults:
                #"{"min_clients": 3, "target_clients": 3, "deadline_seconds": 600, "clip_norm": 1, "noise_multiplier": 1.1, "strategy": "fedavg"}"#
        )
        try await process.start()
        let round = try await process.openRound()
        struct Receipt: Decodable, Equatable { let receipt_id: String }
        var receipts: [String: Receipt] = [:]
        for node in ["p1", "p2"] {
            let response = try await process.submit(try fixture.updateBody(round: round, node: node), as: node, to: round)
            #expect(response.status == 200)
            receipts[node] = try response.decodeJSON(Receipt.self)
        }
        try cluster.restartImmediately()
        // The next submissions may meet the reconnect: only retryable answers, then success.
        var seen: [Int] = []
        let deadline = Date().addingTimeInterval(20)
        for node in ["p1", "p3"] {
            while Date() < deadline {
                let status = (try? await process.submit(try fixture.updateBody(round: round, node: node), as: node, to: round))
                if let status {
                    seen.append(status.status)
                    if status.status == 200 {
                        if let first = receipts[node] { #expect(try status.decodeJSON(Receipt.self) == first) }
                        break
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(seen.allSatisfy { $0 == 200 || $0 == 503 }, "\(seen) \(process.log)")
        #expect(seen.filter { $0 == 200 }.count == 2, "\(seen)")
        let reader = try SQLFederationStore.makePostgres(try PostgresConfiguration(connectionString: cluster.url))
        #expect(try await Self.wait(20) { try reader.round(round)?.state == .published }, "\(process.log)")
        #expect(try reader.withTransaction { try $0.latestModelVersion() }?.version == 1)
        #expect(try reader.updates(inRound: round).map(\.promoterID) == ["p1", "p2", "p3"])
        #expect(try reader.withTransaction { try $0.ledgerEntries(promoterID: nil) }.count == 3)
        process.kill9()
    }
}
