import BacklineAudit
import BacklineCore
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

@testable import BacklineAggregator

/// One round against a real `backline aggregator serve` process (issue 7, item 4; SECURITY-TESTS
/// 51, 52, 54, 74, 76, 77): idempotent resubmission, a conflicting resubmission refused and
/// audited, an update for another round refused, an auditor reaching for an update refused and
/// audited, quorum failure at the deadline (no model), and a late update refused as round-closed.
@Suite struct AggregatorProcessRoundTests {
    @Test func aRoundShortOfQuorumFailsAtItsDeadlineAndEveryMisuseIsRefusedAndAudited() async throws {
        let fixture = try AggregatorFixture()
        let path = fixture.directory.file("process.db")
        let process = try AggregatorProcess(fixture: fixture, store: #"{"sqlite": "\#(path)"}"#)
        try await process.start()
        let round = try await process.openRound(#"{"deadline_seconds": 3}"#)

        struct Receipt: Decodable, Equatable {
            let receipt_id: String
            let digest: String
        }
        let first = try await process.submit(try fixture.updateBody(round: round, node: "p1"), as: "p1", to: round)
        #expect(first.status == 200)
        let again = try await process.submit(try fixture.updateBody(round: round, node: "p1"), as: "p1", to: round)
        #expect(again.status == 200)
        #expect(try again.decodeJSON(Receipt.self) == first.decodeJSON(Receipt.self))

        let changed = try await process.submit(try fixture.updateBody(round: round, node: "p1", delta: 0.25), as: "p1", to: round)
        #expect(changed.status == 409)
        #expect(AggregatorFixture.errorCode(changed) == "conflict")

        let otherRound = try await process.submit(try fixture.updateBody(round: round + 1, node: "p2"), as: "p2", to: round)
        #expect(otherRound.status == 409)
        #expect(AggregatorFixture.errorCode(otherRound) == "round_mismatch")
        #expect(try await process.submit(try fixture.updateBody(round: round, node: "p2"), as: "p2", to: round).status == 200)

        let peek = try await process.send(.auditor, "aud", HTTPRequest(method: "GET", path: "/v1/rounds/\(round)/updates/p1"))
        #expect(peek.status == 403)

        // Two of three by the deadline: the aggregator's clock closes the round as failed.
        let store = try SQLFederationStore.makeSQLite(.file(path))
        let deadline = Date().addingTimeInterval(15)
        while try store.round(round)?.state != .failed && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try store.round(round)?.state == .failed, "\(process.log)")
        #expect(try store.withTransaction { try $0.latestModelVersion() } == nil)
        let model = try await process.send(.promoter, "p3", HTTPRequest(method: "GET", path: "/v1/models/latest"))
        #expect(model.headers["X-Backline-Model-Version"] == "0")
        #expect(model.body == fixture.initialModel.bytes)

        let late = try await process.submit(try fixture.updateBody(round: round, node: "p3"), as: "p3", to: round)
        #expect(late.status == 409)
        #expect(AggregatorFixture.errorCode(late) == "round_closed")

        let entries = try store.auditEntries().map { try AuditEntry(canonicalBytes: $0.entry) }
        func logged(_ action: String, _ spiffe: String, _ outcome: String) -> Bool {
            entries.contains { $0.action == action && $0.spiffeID.hasSuffix(spiffe) && $0.outcome == outcome }
        }
        #expect(logged("submit_update", "/promoter/p1", "conflict"))
        #expect(logged("submit_update", "/promoter/p2", "round_mismatch"))
        #expect(logged("submit_update", "/promoter/p3", "round_closed"))
        #expect(entries.contains { $0.action == "read_update" && $0.spiffeID.hasSuffix("/auditor/aud") && $0.decision == .deny })
        #expect(logged("aggregate_round", "/aggregator/main", "round_failed"))
        // The acknowledged updates are the only ones stored, once each.
        #expect(try store.updates(inRound: round).map(\.promoterID) == ["p1", "p2"])
    }
}
