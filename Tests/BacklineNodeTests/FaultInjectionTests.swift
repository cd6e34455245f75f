import BacklineAggregator
import BacklineCore
import BacklineCrypto
import BacklineNode
import BacklinePrivacy
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

/// Rounds whose nodes reach the aggregator through the fault-injecting proxy (TCP-level faults
/// under TLS): SECURITY-TESTS items 52, 53 and 54. Fixed seeds; the proxy logs every fault with its
/// seed on standard error, so a failure replays.
@Suite struct FaultInjectionTests {
    private typealias Position = FaultProxy.Position

    /// Item 53 (10 % of connections dropped, 5 % duplicated, 25 % reordered, plus resets, cut
    /// requests and delays), over two rounds: each round completes through retries, each node is
    /// stored once with the receipt it holds, each round publishes once with all four
    /// contributors, and the model version moves forward by one per round. Seed 88 puts every
    /// fault kind among the first ten connections, so each of them is exercised on every run.
    @Test func roundsCompleteThroughLossDuplicationAndReorderingWithEachNodeCountedOnce() async throws {
        let fixture = try await NodeFederationFixture()
        let mix = try FaultProxy.Mix(
            drop: 0.10,
            reset: 0.05,
            truncate: 0.05,
            duplicate: 0.05,
            reorder: 0.25,
            delay: 0.05,
            delayMilliseconds: 10...200,
            offsets: 0...1_500
        )
        let proxy = try fixture.proxy(.seeded(mix, seed: 88))
        let retry = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(100))
        let nodes = try (0..<4).map { try fixture.roundClient($0, through: proxy.port, retry: retry) }
        for expectedVersion in Int64(1)...2 {
            let round = try await fixture.openRound()
            let receipts = try await withThrowingTaskGroup(of: SubmissionReceipt.self) { group in
                for node in nodes { group.addTask { try await node.participateUntilAcknowledged() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let stored = try fixture.store.updates(inRound: round)
            #expect(stored.count == 4)
            #expect(Set(stored.map(\.promoterID)) == Set(NodeFederationFixture.promoters))
            #expect(Set(stored.map(\.receiptID)) == Set(receipts.map(\.receiptID)))
            for receipt in receipts {
                let update = try #require(stored.first { $0.promoterID == receipt.node })
                #expect(Hex.encode(update.digest) == receipt.digest)
                #expect(receipt.round == round)
            }
            let closure = try #require(try await fixture.service.close(round: round))
            #expect(closure.state == .published)
            #expect(closure.modelVersion == expectedVersion)
            #expect(closure.contributors.sorted() == NodeFederationFixture.promoters)
            // Closing again publishes nothing more.
            #expect(try await fixture.service.close(round: round) == nil)
        }
        // Each node charged its ledger once per round, however often it had to retry.
        for node in nodes { #expect(await node.ledger?.entries.count == 2) }
        // The faults really happened, and the retries went through the proxy too.
        let records = proxy.settledRecords()
        #expect(records.count > 24)
        #expect(records.contains { if case .drop = $0.fault { $0.outcome == .closedByFault } else { false } })
        #expect(records.contains { if case .reset = $0.fault { $0.outcome == .resetByFault } else { false } })
        #expect(records.contains { if case .truncate = $0.fault { $0.outcome == .closedByFault } else { false } })
        #expect(records.contains { $0.fault == .duplicate && $0.replay != nil })
        #expect(records.contains { $0.fault == .reorder && $0.outcome == .completed })
        proxy.stop()
    }

    /// Item 54 over the wire: the reply to a stored update is lost (the connection drops as the
    /// answer starts); the node's retry of the same bytes gets the same receipt and nothing is
    /// stored twice.
    @Test func lostReplyIsRetriedAndGetsTheSameReceipt() async throws {
        let fixture = try await NodeFederationFixture()
        // Connections: GET round, GET model, POST update (its reply dropped), then the retry.
        let proxy = try fixture.proxy(.scripted([.pass, .pass, .drop(at: Position(phase: Position.firstReplyPhase, offset: 0))]))
        let node = try fixture.roundClient(0, through: proxy.port, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)))
        let round = try await fixture.openRound()
        guard case .submitted(let receipt) = try await node.participate() else {
            Issue.record("the node did not submit")
            return
        }
        let records = proxy.settledRecords()
        try #require(records.count == 4)
        // The aggregator had started answering the POST (phase 4) when the proxy cut it.
        #expect(records[2].outcome == .closedByFault)
        #expect(records[2].reachedPhase == Position.firstReplyPhase)
        #expect(records[3].outcome == .completed)
        let stored = try fixture.store.updates(inRound: round)
        #expect(stored.map(\.promoterID) == ["p1"])
        #expect(stored.first?.receiptID == receipt.receiptID)
        #expect(stored.first.map { Hex.encode($0.digest) } == receipt.digest)
        #expect(await node.ledger?.entries.count == 1)
    }

    /// A request cut inside its TLS record never reaches the API: with no retry allowed nothing is
    /// stored; the node's next call sends the same prepared bytes whole, and only those are stored.
    @Test func truncatedUpdateIsNeverStored() async throws {
        let fixture = try await NodeFederationFixture()
        let probe = try fixture.proxy(.passThrough)
        let node = try fixture.roundClient(0, through: probe.port, retry: RetryPolicy(maxAttempts: 1))
        _ = try await node.announcement()
        // Client bytes of a whole GET request flight (certificate, Finished, request): the POST's
        // flight is longer by its body, so keeping 200 bytes more cuts inside the update.
        let getFlight = try #require(probe.settledRecords().first?.phaseBytes.dropFirst(2).first)
        probe.stop()

        let proxy = try fixture.proxy(.scripted([.pass, .pass, .truncate(keeping: getFlight + 200)]))
        let cut = try fixture.roundClient(0, through: proxy.port, retry: RetryPolicy(maxAttempts: 1))
        let round = try await fixture.openRound()
        await #expect {
            _ = try await cut.participate()
        } throws: { error in
            RetryPolicy.isTransient(error)
        }
        #expect(proxy.records.dropFirst(2).first?.outcome == .closedByFault)
        #expect(try fixture.store.updates(inRound: round).isEmpty)

        guard case .submitted(let receipt) = try await cut.participate() else {
            Issue.record("the node did not resend its prepared update")
            return
        }
        // Connections: GET round, GET model, the cut POST; then GET round and the same POST whole.
        let whole = try #require(proxy.settledRecords().dropFirst(4).first)
        #expect(whole.outcome == .completed)
        #expect((whole.phaseBytes.dropFirst(2).first ?? 0) > getFlight + 200)
        let stored = try fixture.store.updates(inRound: round)
        #expect(stored.count == 1)
        #expect(stored.first.map { Hex.encode($0.digest) } == receipt.digest)
        #expect(await cut.ledger?.entries.count == 1)
    }

    /// Item 52: one node's link holds its update past the round's deadline; the update is refused
    /// as `round_closed`, and the round closes at its deadline with the three punctual nodes.
    @Test func updateDelayedPastTheDeadlineIsRefusedAsRoundClosed() async throws {
        let fixture = try await NodeFederationFixture()
        let punctualLink = try fixture.proxy(.passThrough)
        let slowLink = try fixture.proxy(.scripted([.pass, .pass, .delay(milliseconds: 4_500)]))
        let retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10))
        let punctual = try (0..<3).map { try fixture.roundClient($0, through: punctualLink.port, retry: retry) }
        let slow = try fixture.roundClient(3, through: slowLink.port, retry: retry)
        let opened = ContinuousClock.now
        let round = try await fixture.openRound(body: #"{"deadline_seconds": 4}"#)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in punctual { group.addTask { _ = try await node.participateUntilAcknowledged() } }
            try await group.waitForAll()
        }
        #expect(ContinuousClock.now - opened < .seconds(4), "the punctual nodes must beat the deadline for this test to mean anything")
        await #expect {
            _ = try await slow.participate()
        } throws: { error in
            (error as? NodeError)?.code == .refused && String(describing: error).contains("409 'round_closed'")
        }
        #expect(slowLink.records.dropFirst(2).first?.fault == .delay(milliseconds: 4_500))
        await fixture.service.closeExpiredRounds()
        let stored = try fixture.store.updates(inRound: round)
        #expect(Set(stored.map(\.promoterID)) == ["p1", "p2", "p3"])
        let current = try await fixture.client(.operator, "ops").send(HTTPRequest(method: "GET", path: "/v1/rounds/current"))
        struct Announced: Decodable {
            let state: String
            let model_version: Int64?
        }
        let announced = try current.decodeJSON(Announced.self)
        #expect(announced.state == "published")
        #expect(announced.model_version == 1)
    }
}
