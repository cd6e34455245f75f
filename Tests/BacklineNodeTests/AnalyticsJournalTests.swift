import BacklineAnalytics
import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklineNode
import BacklinePrivacy
import BacklineStore
import Foundation
import Synchronization
import Testing

/// An analytics journal in memory that records the order of events; `onPrepared` runs once a body
/// is recorded and before it is sent (a test simulates a crash there by throwing).
final class MemoryAnalyticsJournal: AnalyticsJournal {
    struct State {
        var bodies: [Int64: [UInt8]] = [:]
        var receipts: [Int64: AnalyticsClient.Receipt] = [:]
        var events: [String] = []
    }
    let state = Mutex(State())
    let onPrepared: @Sendable (Int64) throws -> Void

    init(onPrepared: @escaping @Sendable (Int64) throws -> Void = { _ in }) { self.onPrepared = onPrepared }

    func preparedBody(queryID id: Int64) throws -> [UInt8]? { state.withLock { $0.bodies[id] } }
    func receipt(queryID id: Int64) throws -> AnalyticsClient.Receipt? { state.withLock { $0.receipts[id] } }
    func recordPrepared(queryID id: Int64, body: [UInt8]) throws {
        state.withLock {
            $0.bodies[id] = body
            $0.events.append("prepared \(id)")
        }
        try onPrepared(id)
    }
    func recordReceipt(_ receipt: AnalyticsClient.Receipt) throws {
        state.withLock {
            $0.receipts[receipt.queryID] = receipt
            $0.events.append("receipt \(receipt.queryID)")
        }
    }
}

/// `analytics submit` with a journal: one charge and one set of bytes per query, whatever happens
/// between the charge and the receipt. In-process aggregator and promoters as in ``AnalyticsFederationTests``.
@Suite struct AnalyticsJournalTests {
    /// The process "dies" where the test hook throws this.
    struct SimulatedCrash: Error {}

    private func freshLedger() throws -> PrivacyLedger {
        PrivacyLedger(promoter: "p1", budget: try PrivacyBudget(epsilon: 100, delta: 1e-3))
    }

    @Test func aSecondSubmitOfTheSameQueryGivesTheSameReceiptWithoutASecondCharge() async throws {
        let federation = AnalyticsFederationTests.Federation(fixture: try await NodeFederationFixture())
        let id = try await federation.open()
        let journal = MemoryAnalyticsJournal()
        var ledger = try freshLedger()
        let first = try await federation.submit(0, query: id, seed: 7, ledger: &ledger, journal: journal)
        let afterOne = ledger
        // Other noise: without the journal this would be a second charge and a 409 conflict.
        let second = try await federation.submit(0, query: id, seed: 8, ledger: &ledger, journal: journal)
        #expect(first.origin == .fresh)
        #expect(second.origin == .recorded)
        #expect(second.receipt == first.receipt)
        #expect(second.histogram == first.histogram)
        #expect(ledger.spent.epsilon == afterOne.spent.epsilon)
        #expect(ledger.entries.count == 1)
        #expect(journal.state.withLock { $0.events } == ["prepared \(id)", "receipt \(id)"])
        #expect(try await federation.node(0).announcement(queryID: id).submitted == 1)
        #expect(try federation.audit("submit_histogram").filter { $0.outcome == "accepted" }.count == 1)
    }

    @Test func aCrashAfterTheChargeIsCompletedWithTheSameBytesAndNoSecondCharge() async throws {
        let federation = AnalyticsFederationTests.Federation(fixture: try await NodeFederationFixture())
        let id = try await federation.open()
        let crashing = MemoryAnalyticsJournal { _ in throw SimulatedCrash() }
        var ledger = try freshLedger()
        do {
            try await federation.submit(0, query: id, seed: 7, ledger: &ledger, journal: crashing)
            Issue.record("the simulated crash did not happen")
        } catch is SimulatedCrash {}
        // Charged and prepared, nothing sent.
        #expect(ledger.entries.count == 1)
        let charged = ledger.spent.epsilon
        #expect(try await federation.node(0).announcement(queryID: id).submitted == 0)
        let prepared = try #require(try crashing.preparedBody(queryID: id))

        // The restarted process: the ledger as persisted, the journal as the crash left it, other noise.
        let restarted = MemoryAnalyticsJournal()
        restarted.state.withLock { $0.bodies[id] = prepared }
        let resumed = try await federation.submit(0, query: id, seed: 8, ledger: &ledger, journal: restarted)
        #expect(resumed.origin == .resent)
        #expect(ledger.entries.count == 1)
        #expect(ledger.spent.epsilon == charged)
        #expect(resumed.receipt.digest == Hex.encode(SHA256.hash(prepared)))
        #expect(try restarted.receipt(queryID: id) == resumed.receipt)
        let stored = try federation.fixture.store.withTransaction { try $0.analyticsHistograms(query: id) }
        #expect(stored.map(\.payload) == [prepared])

        // A different query is charged normally.
        let other = try await federation.open()
        let next = try await federation.submit(0, query: other, seed: 9, ledger: &ledger, journal: restarted)
        #expect(next.origin == .fresh)
        #expect(ledger.entries.count == 2)
        #expect(ledger.spent.epsilon > charged)
        #expect(next.receipt.queryID == other)
    }

    @Test func aJournalledBodyForAnotherQueryIsRefusedAndNothingIsSent() async throws {
        let federation = AnalyticsFederationTests.Federation(fixture: try await NodeFederationFixture())
        let first = try await federation.open()
        let second = try await federation.open()
        let journal = MemoryAnalyticsJournal()
        var ledger = try freshLedger()
        try await federation.submit(0, query: first, ledger: &ledger, journal: journal)
        // A journal whose entry for `second` holds the answer to `first` (corrupted or swapped).
        let misplaced = try #require(try journal.preparedBody(queryID: first))
        let swapped = MemoryAnalyticsJournal()
        swapped.state.withLock { $0.bodies[second] = misplaced }
        do {
            try await federation.submit(0, query: second, ledger: &ledger, journal: swapped)
            Issue.record("a journalled answer to another query was sent")
        } catch let error as NodeError {
            #expect(error.code == .invalidParameter, "\(error)")
        }
        #expect(ledger.entries.count == 1)
        #expect(try await federation.node(0).announcement(queryID: second).submitted == 0)
    }
}
