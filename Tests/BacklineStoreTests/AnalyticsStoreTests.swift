import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineStore

/// Schema version 3 (federated analytics queries and histograms), on every backend.
@Suite struct AnalyticsStoreTests {
    static func query(deadlineSeconds: Int = 3600, minContributors: Int64 = 3) -> AnalyticsQueryRecord {
        AnalyticsQueryRecord(
            parametersJSON: "{\"query\":\"q\"}",
            minContributors: minContributors,
            deadline: StoreSamples.time(deadlineSeconds),
            createdAt: StoreSamples.time(0)
        )
    }

    static func histogram(_ query: Int64, _ promoter: String, _ payload: [UInt8], at seconds: Int = 10) -> AnalyticsHistogramSubmission {
        AnalyticsHistogramSubmission(
            queryID: query,
            promoterID: promoter,
            payload: payload,
            digest: StoreSamples.digest(of: payload),
            receivedAt: StoreSamples.time(seconds)
        )
    }

    @Test(arguments: StoreBackend.available)
    func queriesAreListedByStateOldestFirst(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            for _ in 1...4 { _ = try store.withTransaction { try $0.createAnalyticsQuery(Self.query()) } }
            let now = StoreSamples.time(20)
            #expect(try store.withTransaction { try $0.claimAnalyticsQuery(2, at: now, staleBefore: StoreSamples.time(0)) })
            #expect(try store.withTransaction { try $0.claimAnalyticsQuery(3, at: now, staleBefore: StoreSamples.time(0)) })
            _ = try store.withTransaction { try $0.finishAnalyticsQuery(3, resultJSON: nil, failureReason: "too few", at: now) }
            let unfinished = try store.withTransaction { try $0.analyticsQueries(in: [.open, .closing]) }
            #expect(unfinished.map(\.id) == [1, 2, 4])
            #expect(unfinished.map(\.state) == [.open, .closing, .open])
            #expect(try store.withTransaction { try $0.analyticsQueries(in: [.failed]) }.map(\.id) == [3])
            #expect(try store.withTransaction { try $0.analyticsQueries(in: [.published]) }.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func queriesAreClaimedOnceAndFinishedOnce(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            let first = try store.withTransaction { try $0.createAnalyticsQuery(Self.query()) }
            let second = try store.withTransaction { try $0.createAnalyticsQuery(Self.query()) }
            #expect(first.id == 1 && second.id == 2 && first.state == .open)
            #expect(try store.withTransaction { try $0.analyticsQuery(1) } == first)
            #expect(try store.withTransaction { try $0.latestAnalyticsQuery() }?.id == 2)
            #expect(throws: StoreError(code: .invalidInput, reason: "")) {
                try store.withTransaction { try $0.createAnalyticsQuery(Self.query(minContributors: 2)) }
            }
            let now = StoreSamples.time(20)
            #expect(try store.withTransaction { try $0.claimAnalyticsQuery(1, at: now, staleBefore: StoreSamples.time(0)) })
            #expect(try store.withTransaction { try $0.claimAnalyticsQuery(1, at: now, staleBefore: StoreSamples.time(0)) } == false)
            // A closer that stopped long ago loses its claim.
            #expect(
                try store.withTransaction { try $0.claimAnalyticsQuery(1, at: StoreSamples.time(200), staleBefore: StoreSamples.time(100)) }
            )
            try store.withTransaction { try $0.releaseAnalyticsQuery(1, at: StoreSamples.time(201)) }
            #expect(try store.withTransaction { try $0.analyticsQuery(1) }?.state == .open)
            #expect(
                try store.withTransaction { try $0.claimAnalyticsQuery(1, at: StoreSamples.time(202), staleBefore: StoreSamples.time(0)) }
            )
            let published = try store.withTransaction {
                try $0.finishAnalyticsQuery(1, resultJSON: "{\"cells\":[]}", failureReason: nil, at: StoreSamples.time(203))
            }
            #expect(published.state == .published && published.resultJSON == "{\"cells\":[]}")
            #expect(throws: StoreError(code: .invalidTransition, reason: "")) {
                try store.withTransaction {
                    try $0.finishAnalyticsQuery(1, resultJSON: nil, failureReason: "again", at: StoreSamples.time(204))
                }
            }
            #expect(throws: StoreError(code: .invalidTransition, reason: "")) {
                try store.withTransaction {
                    try $0.finishAnalyticsQuery(2, resultJSON: nil, failureReason: "not claimed", at: StoreSamples.time(204))
                }
            }
        }
    }

    /// SECURITY-TESTS 54 for histograms: same bytes → same receipt; other bytes → conflict.
    @Test(arguments: StoreBackend.available)
    func aHistogramIsStoredOncePerPromoter(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            _ = try store.withTransaction { try $0.createAnalyticsQuery(Self.query(deadlineSeconds: 100)) }
            let stored = try store.withTransaction { try $0.submitAnalyticsHistogram(Self.histogram(1, "p1", [1, 2, 3])) }
            let again = try store.withTransaction { try $0.submitAnalyticsHistogram(Self.histogram(1, "p1", [1, 2, 3], at: 11)) }
            #expect(again == stored)
            #expect(throws: StoreError(code: .conflict, reason: "")) {
                try store.withTransaction { try $0.submitAnalyticsHistogram(Self.histogram(1, "p1", [9])) }
            }
            #expect(throws: StoreError(code: .roundClosed, reason: "")) {
                try store.withTransaction { try $0.submitAnalyticsHistogram(Self.histogram(1, "p2", [4], at: 101)) }
            }
            #expect(throws: StoreError(code: .notFound, reason: "")) {
                try store.withTransaction { try $0.submitAnalyticsHistogram(Self.histogram(7, "p2", [4])) }
            }
            #expect(throws: StoreError(code: .invalidInput, reason: "")) {
                try store.withTransaction { try $0.submitAnalyticsHistogram(Self.histogram(1, "p2", [])) }
            }
            _ = try store.withTransaction { try $0.submitAnalyticsHistogram(Self.histogram(1, "p2", [5, 6])) }
            #expect(try store.withTransaction { try $0.analyticsHistograms(query: 1) }.map(\.promoterID) == ["p1", "p2"])
            // Once finished the payloads are gone, the receipts stay, and nothing new is taken.
            #expect(
                try store.withTransaction { try $0.claimAnalyticsQuery(1, at: StoreSamples.time(50), staleBefore: StoreSamples.time(0)) }
            )
            _ = try store.withTransaction {
                try $0.finishAnalyticsQuery(1, resultJSON: nil, failureReason: "too_few", at: StoreSamples.time(51))
            }
            let kept = try store.withTransaction { try $0.analyticsHistograms(query: 1) }
            #expect(kept.allSatisfy { $0.payload.isEmpty })
            #expect(kept.first?.receiptID == stored.receiptID)
            #expect(throws: StoreError(code: .roundClosed, reason: "")) {
                try store.withTransaction { try $0.submitAnalyticsHistogram(Self.histogram(1, "p3", [7], at: 52)) }
            }
        }
    }

    /// A failed transaction leaves nothing behind.
    @Test(arguments: StoreBackend.available)
    func aRolledBackSubmissionLeavesNoHistogram(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            _ = try store.withTransaction { try $0.createAnalyticsQuery(Self.query()) }
            struct Abort: Error {}
            #expect(throws: Abort.self) {
                try store.withTransaction { transaction in
                    _ = try transaction.submitAnalyticsHistogram(Self.histogram(1, "p1", [1]))
                    throw Abort()
                }
            }
            #expect(try store.withTransaction { try $0.analyticsHistograms(query: 1) }.isEmpty)
        }
    }

    @Test func versionTwoDataSurvivesTheMoveToVersionThree() throws {
        let directory = try TemporaryDirectory(prefix: "backline-migrate")
        let path = directory.file("s.db")
        let old = try SQLFederationStore.makeSQLite(.file(path), schemaVersion: 2)
        try old.createRound(StoreSamples.round(1))
        #expect(throws: StoreError.self) { try old.withTransaction { try $0.createAnalyticsQuery(Self.query()) } }
        let new = try SQLFederationStore.makeSQLite(.file(path), schemaVersion: 3)
        #expect(try new.schemaVersion() == 3)
        #expect(try new.round(1) == StoreSamples.round(1))
        #expect(try new.withTransaction { try $0.createAnalyticsQuery(Self.query()) }.id == 1)
    }
}

/// SECURITY-TESTS 37 for the version-3 and version-4 tables: the application role may use them (no
/// DELETE; optimizer states are only inserted and read); the auditor role may not even read a node's histogram.
@Suite(.enabled(if: PostgresTestEnvironment.isAvailable, "needs BACKLINE_PG_URL"))
struct AnalyticsStoreGrantTests {
    @Test func theAuditorRoleCannotReadHistograms() throws {
        try PostgresAccessRoles.with { owner, app, auditorConfiguration in
            let appRole = try #require(app.user)
            let auditorRole = try #require(auditorConfiguration.user)
            func privilege(_ role: String, _ table: String, _ privilege: String) throws -> Bool {
                try PostgresAccessRoles.privilege(owner, role, table, privilege)
            }
            for table in ["analytics_queries", "analytics_histograms"] {
                for allowed in ["SELECT", "INSERT", "UPDATE"] {
                    #expect(try privilege(appRole, table, allowed), "app \(allowed) on \(table)")
                }
                #expect(try !privilege(appRole, table, "DELETE"))
                for any in ["SELECT", "INSERT", "UPDATE", "DELETE"] {
                    #expect(try !privilege(auditorRole, table, any), "auditor \(any) on \(table)")
                }
            }
            for allowed in ["SELECT", "INSERT"] { #expect(try privilege(appRole, "optimizer_states", allowed)) }
            for denied in ["UPDATE", "DELETE"] { #expect(try !privilege(appRole, "optimizer_states", denied)) }
            for any in ["SELECT", "INSERT", "UPDATE", "DELETE"] { #expect(try !privilege(auditorRole, "optimizer_states", any)) }
            // Performed, not just looked up: the auditor's own connection is refused.
            let auditor = try PostgresConnection(auditorConfiguration)
            #expect(throws: StoreError(code: .permissionDenied, reason: "")) {
                try auditor.query("SELECT payload FROM analytics_histograms")
            }
        }
    }
}
