import BacklineAggregator
import BacklineAnalytics
import BacklineAudit
import BacklineCore
import BacklineNode
import BacklinePrivacy
import BacklineStore
import BacklineTransport
import BacklineVault
import Foundation
import Testing

/// Federated analytics end to end: an in-process aggregator (SQLite, the default policy, mTLS on
/// 127.0.0.1) and promoters p1…p4, each answering from its own synthetic vault.
@Suite struct AnalyticsFederationTests {
    /// A ledger persistence double that records what was stored.
    final class RecordingPersistence: PrivacyLedgerPersistence, @unchecked Sendable {
        // @unchecked: used by one test task at a time.
        var stored: [Data] = []
        func storeLedger(_ encoded: Data, promoter: String) throws { stored.append(encoded) }
    }

    /// Four synthetic promoters' vaults (fixed seed), joined once for every test.
    static let engines: [AnalyticsEngine] = {
        // The configuration is valid by construction; a failure here is a broken fixture.
        let federation = try! BacklineVault.SyntheticFederation(
            SyntheticConfiguration(seed: 21, promoters: 4, membersPerPromoter: 800, artists: 120, listening: false)
        )
        return (0..<4).map { index in
            var sink = VaultSyntheticSink()
            try! federation.generate(promoter: index, into: &sink)
            return try! AnalyticsEngine(sink.data)
        }
    }()

    static let query = "attendance_by_age_band"

    struct Federation {
        let fixture: NodeFederationFixture

        /// A node client for promoter `index` (p1 = 0).
        func node(_ index: Int) throws -> AnalyticsClient {
            AnalyticsClient(
                name: NodeFederationFixture.promoters[index],
                client: try fixture.client(.promoter, NodeFederationFixture.promoters[index])
            )
        }

        /// Opens a query as the operator; returns its id.
        func open(epsilon: Double = 4, minContributors: Int = 3, expected: [String] = [], deadlineSeconds: Int = 600) async throws -> Int64
        {
            struct Body: Encodable {
                let query: String, epsilon: Double, delta: Double, min_contributors: Int, deadline_seconds: Int, expected: [String]
            }
            let body = Body(
                query: AnalyticsFederationTests.query,
                epsilon: epsilon,
                delta: 1e-5,
                min_contributors: minContributors,
                deadline_seconds: deadlineSeconds,
                expected: expected
            )
            let response = try await fixture.client(.operator, "ops").send(
                HTTPRequest(method: "POST", path: "/v1/analytics/queries", body: Array(try JSONEncoder().encode(body))),
                idempotent: false
            )
            struct Opened: Decodable { let query_id: Int64 }
            #expect(response.status == 201)
            return try response.decodeJSON(Opened.self).query_id
        }

        /// Submits promoter `index`'s histogram for query `id` with a fresh ledger and seeded noise.
        @discardableResult
        func submit(_ index: Int, query id: Int64, seed: UInt64? = nil, budget: Double = 100) async throws -> AnalyticsClient.Submission {
            var ledger = PrivacyLedger(
                promoter: NodeFederationFixture.promoters[index],
                budget: try PrivacyBudget(epsilon: budget, delta: 1e-3)
            )
            return try await submit(index, query: id, seed: seed, ledger: &ledger)
        }

        /// Submits promoter `index`'s histogram for query `id`, charging `ledger`, with seeded noise
        /// and `journal`.
        @discardableResult
        func submit(
            _ index: Int,
            query id: Int64,
            seed: UInt64? = nil,
            ledger: inout PrivacyLedger,
            journal: (any AnalyticsJournal)? = nil
        ) async throws -> AnalyticsClient.Submission {
            var noise = SeededNoise(seed: seed ?? UInt64(index + 1))
            return try await node(index).submit(
                queryID: id,
                engine: AnalyticsFederationTests.engines[index],
                ledger: &ledger,
                persistence: RecordingPersistence(),
                noise: &noise,
                journal: journal
            )
        }

        /// Closes query `id` as the operator; the HTTP status.
        func close(_ id: Int64) async throws -> Int {
            try await fixture.client(.operator, "ops").send(
                HTTPRequest(method: "POST", path: "/v1/analytics/queries/\(id)/close"),
                idempotent: false
            ).status
        }

        /// Audit entries with `action`, decoded.
        func audit(_ action: String) throws -> [AuditEntry] {
            try fixture.store.auditEntries(BacklineStore.AuditFilter(action: action)).map { try AuditEntry(canonicalBytes: $0.entry) }
        }
    }

    private func refusal(_ error: any Error) -> String? {
        guard let error = error as? NodeError, error.code == .refused else { return nil }
        return error.reason
    }

    @Test func aQueryPublishesTheSumOfTheNodesHistogramsNearTheExactSum() async throws {
        let federation = Federation(fixture: try await NodeFederationFixture())
        let id = try await federation.open(expected: ["p1", "p2", "p3"])
        var sent: [NoisedHistogram] = []
        for index in 0..<3 { sent.append(try await federation.submit(index, query: id).histogram) }
        // The third expected answer closed the query; any promoter may read the result.
        let result = try await federation.node(3).result(queryID: id)
        #expect(result.contributors == ["p1", "p2", "p3"])
        let combined = try HistogramCombiner.combine(sent)
        #expect(abs(result.noiseStandardDeviation - combined.noiseStandardDeviation) < 1e-9)
        let query = try AnalyticsQuery.builtIn(named: Self.query)
        var compared = 0
        for (index, cell) in result.cells.enumerated() {
            #expect(cell.label == query.segment.cells[index])
            #expect(cell.suppressed == combined.isSuppressed(index))
            guard let count = cell.count else { continue }
            // Exactly the sum of what the nodes sent…
            #expect(abs(count - combined.cells[index].count) < 1e-9)
            // …and within the noise of the exact member counts (5 σ, plus what bounding to L cells dropped).
            let exact = Double((0..<3).map { Self.engines[$0].exact(query).cells[index].members }.reduce(0, +))
            #expect(abs(count - exact) <= 5 * result.noiseStandardDeviation + 0.02 * exact, "\(cell.label): \(count) vs exact \(exact)")
            compared += 1
        }
        #expect(compared >= 3, "too few unsuppressed cells to compare")
        // The aggregator's own publication is audited, and each contributor's cost is in its ledger.
        #expect(try federation.audit("publish_result").contains { $0.outcome == "published" && $0.resource == "analytics:\(id):result" })
        let ledger = try federation.fixture.store.withTransaction { try $0.ledgerEntries(promoterID: "p2") }
        #expect(ledger.contains { $0.query == "analytics:\(id):\(Self.query)" && $0.epsilon == 4 })
    }

    @Test func aQueryPastItsDeadlineIsSummedOnTheNextRequestAndTakesNoMoreHistograms() async throws {
        let federation = Federation(fixture: try await NodeFederationFixture())
        let opened = ContinuousClock.now
        let id = try await federation.open(deadlineSeconds: 5)
        for index in 0..<3 { try await federation.submit(index, query: id) }
        await #expect(throws: NodeError.self) { try await federation.node(0).result(queryID: id) }  // 409 query_open
        try await Task.sleep(until: opened + .milliseconds(5300), clock: .continuous)
        do {
            try await federation.submit(3, query: id)
            Issue.record("a histogram was accepted after the deadline")
        } catch {
            #expect(refusal(error) != nil || (error as? NodeError)?.code == .invalidParameter, "\(error)")
        }
        let result = try await federation.node(3).result(queryID: id)
        #expect(result.contributors == ["p1", "p2", "p3"])
        #expect(try federation.audit("publish_result").filter { $0.outcome == "published" }.count == 1)
    }

    @Test func theServiceClockPublishesADueQueryWithoutAnyRequest() async throws {
        let fixture = try await NodeFederationFixture()
        let federation = Federation(fixture: fixture)
        let serving = Task { try await fixture.service.run() }
        defer { serving.cancel() }
        let id = try await federation.open(deadlineSeconds: 2)
        for index in 0..<3 { try await federation.submit(index, query: id) }
        let coordinator = AnalyticsCoordinator(store: fixture.store)
        #expect(try coordinator.query(id)?.state == .open)
        let deadline = ContinuousClock.now + .seconds(8)
        while try coordinator.query(id)?.state != .published, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try coordinator.query(id)?.state == .published)
        #expect(try federation.audit("publish_result").filter { $0.outcome == "published" }.count == 1)
    }

    @Test func theServiceClockClosesEveryDueQueryNotOnlyTheNewest() async throws {
        let fixture = try await NodeFederationFixture()
        let federation = Federation(fixture: fixture)
        let serving = Task { try await fixture.service.run() }
        defer { serving.cancel() }
        // Two queries due in 2 s (the first answered by three promoters, the second by none), then a
        // newer one with a long deadline: the newest query is not due, the two older ones are.
        let answered = try await federation.open(deadlineSeconds: 2)
        let unanswered = try await federation.open(deadlineSeconds: 2)
        let newest = try await federation.open(deadlineSeconds: 600)
        for index in 0..<3 { try await federation.submit(index, query: answered) }
        let coordinator = AnalyticsCoordinator(store: fixture.store)
        let settled: Set<AnalyticsQueryState> = [.published, .failed]
        let deadline = ContinuousClock.now + .seconds(8)
        while ContinuousClock.now < deadline {
            let states = try [answered, unanswered].map { try #require(try coordinator.query($0)).state }
            if states.allSatisfy(settled.contains) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try coordinator.query(answered)?.state == .published)
        #expect(try coordinator.query(unanswered)?.state == .failed)
        #expect(try coordinator.query(newest)?.state == .open)
        let closes = try federation.audit("publish_result")
        #expect(closes.filter { $0.resource == "analytics:\(answered):result" }.map(\.outcome) == ["published"])
        #expect(closes.filter { $0.resource == "analytics:\(unanswered):result" }.map(\.outcome) == ["query_failed"])
        #expect(!closes.contains { $0.resource == "analytics:\(newest):result" })
    }

    @Test func dueQueriesListsEveryQueryPastItsDeadlineOldestFirst() throws {
        let coordinator = AnalyticsCoordinator(store: InMemoryFederationStore())
        let parameters = try AnalyticsQueryParameters(query: try AnalyticsQuery.builtIn(named: Self.query), epsilon: 1, delta: 1e-5)
        let now = Date()
        let deadlines: [TimeInterval] = [-30, 600, -1, 60]
        let opened = try deadlines.map {
            try coordinator.open(parameters, minContributors: 3, deadline: now.addingTimeInterval($0), now: now.addingTimeInterval(-60))
        }
        #expect(try coordinator.dueQueries(at: now).map(\.id) == [opened[0].id, opened[2].id])
        #expect(try coordinator.dueQueries(at: now.addingTimeInterval(-120)).isEmpty)
        #expect(try coordinator.dueQueries(at: now.addingTimeInterval(3_600)).map(\.id) == opened.map(\.id))
        #expect(try AnalyticsCoordinator(store: InMemoryFederationStore()).dueQueries(at: now).isEmpty)
    }

    @Test func fewerThanMinContributorsPublishNothing() async throws {
        let federation = Federation(fixture: try await NodeFederationFixture())
        let id = try await federation.open(minContributors: 3)
        try await federation.submit(0, query: id)
        try await federation.submit(1, query: id)
        #expect(try await federation.close(id) == 200)
        let announcement = try await federation.node(0).announcement(queryID: id)
        #expect(announcement.state == "failed")
        await #expect(throws: NodeError.self) { try await federation.node(0).result(queryID: id) }
        do { _ = try await federation.node(0).result(queryID: id) } catch {
            #expect(refusal(error)?.contains("404 'no_result'") == true)
        }
        #expect(try federation.audit("publish_result").contains { $0.outcome == "query_failed" })
        // Closing twice sums once.
        #expect(try await federation.close(id) == 409)
    }

    @Test func aSecondDifferentHistogramIsRefusedAndAudited() async throws {
        let federation = Federation(fixture: try await NodeFederationFixture())
        let id = try await federation.open()
        let first = try await federation.submit(0, query: id, seed: 7)
        // The same bytes again (same seed, same data): the same receipt.
        let again = try await federation.submit(0, query: id, seed: 7)
        #expect(again.receipt == first.receipt)
        // Other noise, other bytes: refused.
        do {
            try await federation.submit(0, query: id, seed: 8)
            Issue.record("a second, different histogram was accepted")
        } catch {
            #expect(refusal(error)?.contains("409 'conflict'") == true, "\(error)")
        }
        let entries = try federation.audit("submit_histogram")
        #expect(entries.contains { $0.outcome == "conflict" && $0.decision == .deny && $0.spiffeID.hasSuffix("/promoter/p1") })
        #expect(entries.filter { $0.outcome == "accepted" }.count == 1)
        #expect(try await federation.node(0).announcement(queryID: id).submitted == 1)
    }

    @Test func overBudgetIsRefusedWithNothingSent() async throws {
        let federation = Federation(fixture: try await NodeFederationFixture())
        let id = try await federation.open(epsilon: 4)
        var ledger = PrivacyLedger(promoter: "p1", budget: try PrivacyBudget(epsilon: 1, delta: 1e-3))
        var noise = SeededNoise(seed: 3)
        let persistence = RecordingPersistence()
        do {
            _ = try await federation.node(0).submit(
                queryID: id,
                engine: Self.engines[0],
                ledger: &ledger,
                persistence: persistence,
                noise: &noise
            )
            Issue.record("a release over budget was submitted")
        } catch let error as PrivacyError {
            #expect(error.code == .budgetExceeded)
        }
        #expect(ledger.entries.isEmpty)
        #expect(persistence.stored.isEmpty)
        #expect(try await federation.node(0).announcement(queryID: id).submitted == 0)
        #expect(try federation.audit("submit_histogram").isEmpty)
    }

    @Test func anAuditorReadingANodesHistogramIsRefusedAndAudited() async throws {
        let federation = Federation(fixture: try await NodeFederationFixture())
        try federation.fixture.pki.issue(role: .auditor, name: "aud", passphrase: nil)
        let id = try await federation.open(expected: ["p1", "p2", "p3"])
        for index in 0..<3 { try await federation.submit(index, query: id) }
        let auditor = try federation.fixture.client(.auditor, "aud")
        let read = try await auditor.send(HTTPRequest(method: "GET", path: "/v1/analytics/queries/\(id)/histograms/p1"))
        #expect(read.status == 403)
        let denied = try federation.audit("read_histogram")
        #expect(denied.contains { $0.decision == .deny && $0.ruleID == "AD1" && $0.spiffeID.hasSuffix("/auditor/aud") })
        // Another promoter is refused too; the auditor may read the published result.
        let other = try await federation.fixture.client(.promoter, "p2").send(
            HTTPRequest(method: "GET", path: "/v1/analytics/queries/\(id)/histograms/p1")
        )
        #expect(other.status == 403)
        #expect(try await auditor.send(HTTPRequest(method: "GET", path: "/v1/analytics/queries/\(id)/result")).status == 200)
        #expect(try federation.audit("read_result").contains { $0.decision == .allow && $0.spiffeID.hasSuffix("/auditor/aud") })
    }

    @Test func aHistogramNamingAnotherNodeOrWeakerNoiseIsRefused() async throws {
        let federation = Federation(fixture: try await NodeFederationFixture())
        let id = try await federation.open(epsilon: 1)
        let query = try AnalyticsQuery.builtIn(named: Self.query)
        var ledger = PrivacyLedger(promoter: "p1", budget: try PrivacyBudget(epsilon: 100, delta: 1e-3))
        var noise = SeededNoise(seed: 5)
        // A release made for ε = 4 (less noise) than the query's ε = 1.
        let weak = try Self.engines[0].release(
            try HistogramMechanism(query: query, epsilon: 4, delta: 1e-5),
            ledger: &ledger,
            persistence: RecordingPersistence(),
            using: &noise
        )
        struct Envelope: Encodable {
            let query_id: Int64, node: String, epsilon: Double, delta: Double, noise_multiplier: Double, histogram: NoisedHistogram
        }
        func post(as name: String, _ envelope: Envelope) async throws -> (Int, String?) {
            let response = try await federation.fixture.client(.promoter, name).send(
                HTTPRequest(
                    method: "POST",
                    path: "/v1/analytics/queries/\(id)/histograms",
                    body: Array(try JSONEncoder().encode(envelope))
                )
            )
            struct Refusal: Decodable {
                struct Inner: Decodable { let code: String }
                let error: Inner
            }
            return (response.status, try? response.decodeJSON(Refusal.self).error.code)
        }
        let claimedStrong = Envelope(query_id: id, node: "p1", epsilon: 1, delta: 1e-5, noise_multiplier: 100, histogram: weak)
        let weaker = try await post(as: "p1", claimedStrong)
        #expect(weaker.0 == 422)
        #expect(weaker.1 == "privacy")
        let impersonated = try await post(as: "p2", claimedStrong)
        #expect(impersonated.0 == 403)
        #expect(impersonated.1 == "impersonation_attempt")
        #expect(try federation.audit("submit_histogram").contains { $0.outcome == "impersonation_attempt" && $0.decision == .deny })
        #expect(try await federation.node(0).announcement(queryID: id).submitted == 0)
    }
}
