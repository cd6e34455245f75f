import BacklineAudit
import BacklineStore
import BacklineTransport
import Foundation
import Testing

@testable import BacklineAggregator

/// Rounds without an operator: `round_defaults.target_clients` closes a round as soon as that
/// many promoters submitted, `auto_rounds` opens rounds until N exist, and
/// `GET /v1/rounds/current` reports the contributions stored so far.
@Suite struct AggregatorSchedulingTests {
    @Test func contributionsCountStoredUpdatesOnlyOncePerPromoter() async throws {
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        #expect(try await fixture.currentRound().contributions == 0)
        let body = try fixture.updateBody(round: round, node: "p1")
        #expect(try await fixture.submit(body, as: "p1", to: round).status == 200)
        #expect(try await fixture.submit(body, as: "p1", to: round).status == 200)  // same bytes: same receipt, not counted again
        #expect(try await fixture.submit(try fixture.updateBody(round: round, node: "p2"), as: "p2", to: round).status == 200)
        let current = try await fixture.currentRound(as: "p3")
        #expect(current.contributions == 2)
        #expect(current.target_clients == nil)
        #expect(current.state == "collecting")
    }

    @Test func aRoundClosesAsSoonAsItsTargetIsReachedAndNotBefore() async throws {
        let fixture = try await AggregatorFixture.make(targetClients: 3)
        let round = try await fixture.openRound()
        for node in ["p1", "p2"] {
            #expect(try await fixture.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
        }
        // Below the target the round keeps collecting (the deadline is 10 minutes away).
        try await Task.sleep(for: .milliseconds(300))
        #expect(try fixture.store.round(round)?.state == .collecting)
        #expect(try await fixture.currentRound().target_clients == 3)
        #expect(try await fixture.submit(try fixture.updateBody(round: round, node: "p3"), as: "p3", to: round).status == 200)
        let store = fixture.store
        #expect(try await fixture.eventually { try store.round(round)?.state == .published })
        #expect(try store.withTransaction { try $0.latestModelVersion() }?.version == 1)
        // The fourth promoter is late: the round closed at its target.
        let late = try await fixture.submit(try fixture.updateBody(round: round, node: "p4"), as: "p4", to: round)
        #expect(late.status == 409)
        #expect(AggregatorFixture.errorCode(late) == "round_closed")
    }

    @Test func anOperatorMayAskForATargetPerRoundButNotBelowMinClients() async throws {
        let fixture = try await AggregatorFixture.make()
        let refused = try await fixture.operatorClient().send(
            HTTPRequest(method: "POST", path: "/v1/rounds", body: Array(#"{"min_clients": 4, "target_clients": 3}"#.utf8)),
            idempotent: false
        )
        #expect(refused.status == 422)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("target_clients"))
        let round = try await fixture.openRound(#"{"target_clients": 3}"#)
        for node in ["p1", "p2", "p3"] {
            #expect(try await fixture.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
        }
        let store = fixture.store
        #expect(try await fixture.eventually { try store.round(round)?.state == .published })
    }

    @Test func autoRoundsOpensRoundOneThenTheNextAfterEachCloseUntilN() async throws {
        let fixture = try await AggregatorFixture.make(targetClients: 3, autoRounds: 2)
        let store = fixture.store
        // Round 1 exists as soon as the service started, opened by the aggregator and audited.
        #expect(try store.withTransaction { try $0.rounds(in: nil) }.map(\.id) == [1])
        #expect(
            try fixture.auditEntries().contains {
                $0.action == "manage_round" && $0.outcome == "auto_round" && $0.spiffeID.hasSuffix("/aggregator/main")
            }
        )
        for round in Int64(1)...2 {
            #expect(try await fixture.eventually { try store.round(round)?.state == .open })
            for node in ["p1", "p2", "p3"] {
                #expect(try await fixture.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
            }
            #expect(try await fixture.eventually { try store.round(round)?.state == .published })
        }
        // Two rounds and no third, even after a restart.
        try await fixture.startService()
        let rounds = try fixture.store.withTransaction { try $0.rounds(in: nil) }
        #expect(rounds.map(\.id) == [1, 2])
        #expect(try fixture.store.withTransaction { try $0.latestModelVersion() }?.version == 2)
    }

    @Test func autoRoundsOpensTheNextRoundAfterAFailureToo() async throws {
        let fixture = try await AggregatorFixture.make(autoRounds: 3)
        #expect(try await fixture.submit(try fixture.updateBody(round: 1, node: "p1"), as: "p1", to: 1).status == 200)
        let closed = try await fixture.close(1)
        #expect(closed.status == 200)
        #expect(try fixture.store.round(1)?.state == .failed)
        let store = fixture.store
        #expect(try await fixture.eventually { try store.round(2)?.state == .open })
        #expect(try await fixture.currentRound().round == 2)
    }

    @Test(arguments: [("auto_rounds", 0), ("auto_rounds", -1), ("target_clients", 2)])
    func outOfRangeSchedulingKeysAreRefusedNamingTheField(key: String, value: Int) throws {
        let defaults = RoundParameters(
            minClients: 3,
            deadlineSeconds: 60,
            clipNorm: 1,
            noiseMultiplier: 1,
            strategy: .fedAvg,
            targetClients: key == "target_clients" ? value : nil
        )
        if key == "target_clients" {
            #expect { try defaults.validate(production: true, field: "round_defaults") } throws: { error in
                "\(error)".contains("round_defaults.target_clients")
            }
        } else {
            let fixture = try AggregatorFixture()
            var configuration = try AggregatorConfigurationTests().valid(fixture)
            try configuration.validate(file: "a.json")
            configuration.autoRounds = value
            #expect { try configuration.validate(file: "a.json") } throws: { error in "\(error)".contains("auto_rounds") }
        }
    }

    @Test func theExampleConfigurationShowsBothSchedulingKeys() throws {
        let data = AggregatorConfiguration.removingComments(Data(AggregatorConfiguration.exampleText.utf8))
        let example = try JSONDecoder().decode(AggregatorConfiguration.self, from: data)
        #expect(example.autoRounds.map { $0 >= 1 } == true)
        #expect(example.roundDefaults.targetClients.map { $0 >= example.roundDefaults.minClients } == true)
    }
}
