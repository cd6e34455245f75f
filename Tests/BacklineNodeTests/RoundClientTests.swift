import BacklineCore
import BacklineFederation
import BacklineNode
import BacklinePrivacy
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Testing

@Suite struct RoundClientTests {
    @Test func threePromotersSubmitAndTheClosedRoundPublishesANewModel() async throws {
        let fixture = try await NodeFederationFixture()
        let clients = try (0..<3).map { try fixture.roundClient($0) }
        #expect(try await clients[0].participate() == .notAccepting(round: nil))
        let round = try await fixture.openRound()
        var receipts: [SubmissionReceipt] = []
        for client in clients {
            guard case .submitted(let receipt) = try await client.participate() else {
                Issue.record("\(client.name) did not submit")
                return
            }
            #expect(receipt.round == round)
            #expect(receipt.node == client.name)
            receipts.append(receipt)
        }
        // A second call in the same round sends nothing new.
        #expect(try await clients[0].participate() == .alreadySubmitted(receipts[0]))
        let stored = try fixture.store.updates(inRound: round)
        #expect(Set(stored.map(\.promoterID)) == ["p1", "p2", "p3"])
        #expect(Set(stored.map(\.receiptID)) == Set(receipts.map(\.receiptID)))
        // Every node's ledger was charged exactly once for the round.
        for client in clients { #expect(await client.ledger?.entries.count == 1) }

        let version = try await fixture.close(round)
        #expect(version == 1)
        let initial = try await fixture.model(0)
        let published = try await fixture.model(1)
        #expect(!published.isEmpty)
        #expect(published != initial)
        #expect(try await clients[1].participate() == .notAccepting(round: round))
    }

    @Test func exhaustedBudgetIsReportedAndNothingIsSubmitted() async throws {
        let fixture = try await NodeFederationFixture()
        let poor = try fixture.roundClient(3, epsilon: 1e-4)
        let round = try await fixture.openRound()
        #expect(try await poor.participate() == .budgetExhausted(round: round))
        #expect(await poor.isBudgetExhausted)
        #expect(await poor.ledger?.entries.isEmpty == true)
        #expect(try fixture.store.updates(inRound: round).isEmpty)
        // It stays out: asking again sends nothing either.
        #expect(try await poor.participate() == .budgetExhausted(round: round))
        #expect(try fixture.store.updates(inRound: round).isEmpty)
    }

    @Test func wrongExpectedAggregatorIdentityRefusesToConnect() async throws {
        let fixture = try await NodeFederationFixture()
        let round = try await fixture.openRound()
        let misled = try fixture.roundClient(0, server: "impostor")
        await #expect {
            _ = try await misled.participate()
        } throws: { error in
            (error as? TransportError)?.code == .peerRejected
        }
        #expect(await misled.ledger?.entries.isEmpty == true)
        #expect(try fixture.store.updates(inRound: round).isEmpty)
    }

    @Test func aggregatorCertificateFromAForeignCAIsRefused() async throws {
        let fixture = try await NodeFederationFixture()
        let round = try await fixture.openRound()
        // The node trusts another CA of the same federation name: the real aggregator's chain does not verify.
        let foreign = FederationPKI(directory: fixture.directory.file("ForeignKeys"))
        try foreign.initialize(federation: NodeFederationFixture.federation, passphrase: nil)
        let own = fixture.pki
        let tls = TLSClientConfiguration.makeClient(
            caCertificatePath: foreign.caCertificatePath,
            certificatePath: own.certificatePath(role: .promoter, name: "p2"),
            keyPath: own.keyPath(role: .promoter, name: "p2"),
            crlPath: nil,
            expectedServer: try PeerIdentity(federation: NodeFederationFixture.federation, role: .aggregator, name: "main")
        )
        let misled = try fixture.roundClient(1, tls: tls)
        await #expect {
            _ = try await misled.participate()
        } throws: { error in
            guard let error = error as? TransportError else { return false }
            return [.peerRejected, .handshakeFailed].contains(error.code)
        }
        #expect(await misled.ledger?.entries.isEmpty == true)
        #expect(try fixture.store.updates(inRound: round).isEmpty)
    }

    @Test func weakerNoiseThanTheRoundIsRefusedBeforeAnyCharge() async throws {
        let fixture = try await NodeFederationFixture()
        let round = try await fixture.openRound()
        let weak = try fixture.roundClient(1, noiseMultiplier: NodeFederationFixture.noiseMultiplier / 2)
        await #expect {
            _ = try await weak.participate()
        } throws: { error in
            (error as? NodeError)?.code == .invalidParameter
        }
        #expect(await weak.ledger?.entries.isEmpty == true)
        #expect(try fixture.store.updates(inRound: round).isEmpty)
    }
}
