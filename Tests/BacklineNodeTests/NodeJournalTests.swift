import BacklineNode
import BacklinePrivacy
import BacklineStore
import Foundation
import Synchronization
import Testing

/// A journal in memory that also records the order of events and what the store held at each.
final class MemoryJournal: NodeJournal {
    struct State {
        var receipts: [Int64: SubmissionReceipt] = [:]
        var prepared: (round: Int64, update: [UInt8])?
        var preparedLedgerEntries: Int?
        var events: [String] = []
    }
    let state = Mutex(State())
    /// Called when an update is prepared, before it is sent.
    let onPrepared: @Sendable () -> Void

    init(onPrepared: @escaping @Sendable () -> Void = {}) { self.onPrepared = onPrepared }

    func receipt(round: Int64) throws -> SubmissionReceipt? { state.withLock { $0.receipts[round] } }
    func preparedUpdate(round: Int64) throws -> [UInt8]? { state.withLock { $0.prepared?.round == round ? $0.prepared?.update : nil } }
    func recordPrepared(round: Int64, update: [UInt8], ledger: PrivacyLedger?) throws {
        onPrepared()
        state.withLock {
            $0.prepared = (round, update)
            $0.preparedLedgerEntries = ledger?.entries.count
            $0.events.append("prepared \(round)")
        }
    }
    func recordReceipt(_ receipt: SubmissionReceipt) throws {
        state.withLock {
            $0.receipts[receipt.round] = receipt
            $0.prepared = nil
            $0.events.append("receipt \(receipt.round)")
        }
    }
}

@Suite struct NodeJournalTests {
    @Test func theChargedLedgerAndTheUpdateAreRecordedBeforeTheUpdateLeaves() async throws {
        let fixture = try await NodeFederationFixture()
        let round = try await fixture.openRound()
        let storedWhenPrepared = Mutex<Int?>(nil)
        let journal = MemoryJournal { storedWhenPrepared.withLock { $0 = (try? fixture.store.updates(inRound: round).count) ?? -1 } }
        let client = try fixture.roundClient(0, journal: journal)
        guard case .submitted(let receipt) = try await client.participate() else {
            Issue.record("no submission")
            return
        }
        #expect(storedWhenPrepared.withLock { $0 } == 0)
        #expect(journal.state.withLock { $0.preparedLedgerEntries } == 1)
        #expect(journal.state.withLock { $0.events } == ["prepared \(round)", "receipt \(round)"])
        #expect(try journal.receipt(round: round) == receipt)
        #expect(try journal.preparedUpdate(round: round) == nil)
    }

    @Test func aRestartAfterPreparingSendsTheSameBytesAgainWithoutChargingTwice() async throws {
        let fixture = try await NodeFederationFixture()
        let round = try await fixture.openRound()
        let first = MemoryJournal()
        guard case .submitted(let original) = try await fixture.roundClient(1, journal: first).participate() else {
            Issue.record("no submission")
            return
        }
        // The process died after preparing, before it saw the receipt: the journal still holds the bytes.
        let bytes = try #require(fixture.store.updates(inRound: round).first { $0.promoterID == "p2" }?.payload)
        let restarted = MemoryJournal()
        restarted.state.withLock { $0.prepared = (round, bytes) }
        let client = try fixture.roundClient(1, journal: restarted)
        #expect(try await client.participate() == .submitted(original))
        #expect(await client.ledger?.entries.isEmpty == true)
        #expect(try fixture.store.updates(inRound: round).filter { $0.promoterID == "p2" }.count == 1)
        #expect(try restarted.receipt(round: round) == original)
    }

    @Test func aRecordedReceiptMeansAlreadySubmittedAndNothingIsComputed() async throws {
        let fixture = try await NodeFederationFixture()
        _ = try await fixture.openRound()
        let journal = MemoryJournal()
        guard case .submitted(let receipt) = try await fixture.roundClient(2, journal: journal).participate() else {
            Issue.record("no submission")
            return
        }
        let restarted = try fixture.roundClient(2, journal: journal)
        #expect(try await restarted.participate() == .alreadySubmitted(receipt))
        #expect(await restarted.ledger?.entries.isEmpty == true)
    }
}
