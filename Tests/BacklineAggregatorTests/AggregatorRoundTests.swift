import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklineModel
import BacklinePrivacy
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Synchronization
import Testing

@testable import BacklineAggregator

/// Whole rounds over the mTLS API: publish with 3 promoters, fail with 2 (items 51, 77), and
/// a restart mid-round on the same store (item 49, in-process form).
@Suite struct AggregatorRoundTests {
    struct Closure: Decodable {
        let round: Int64
        let state: String
        let model_version: Int64?
        let contributors: [String]
        let failure_reason: String?
    }

    @Test func threePromotersPublishModelOneWhoseBytesVerify() async throws {
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        let deltas: [String: (Float, Double)] = ["p1": (0.5, 10), "p2": (-0.25, 30), "p3": (1.0, 20)]
        for (node, (delta, count)) in deltas.sorted(by: { $0.key < $1.key }) {
            let body = try fixture.updateBody(
                round: round,
                node: node,
                delta: delta,
                sampleCount: count,
                modelSHA256: Hex.encode(fixture.initialModel.checksum)
            )
            let response = try await fixture.submit(body, as: node, to: round)
            #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        }
        let closed = try await fixture.close(round)
        #expect(closed.status == 200)
        let closure = try closed.decodeJSON(Closure.self)
        #expect(closure.state == "published")
        #expect(closure.model_version == 1)
        #expect(closure.contributors == ["p1", "p2", "p3"])

        let model = try await fixture.promoter("p1").send(HTTPRequest(method: "GET", path: "/v1/models/latest"))
        #expect(model.status == 200)
        #expect(model.headers["X-Backline-Model-Version"] == "1")
        #expect(model.headers["X-Backline-Model-SHA256"] == Hex.encode(SHA256.hash(model.body)))
        let published = try SafeTensors.decode(model.body).parameters.flattened()
        // Each update is a node's gradient sum Sᵢ over Nᵢ members; FedAvg with server learning rate 1
        // steps along the Nᵢ-weighted mean of −Sᵢ/Nᵢ, i.e. initial − ΣSᵢ / ΣNᵢ (no regulariser: the
        // fixture's initial model carries no λ).
        let step = Float(-(0.5 - 0.25 + 1.0) / 60.0)
        let expected = fixture.initialModel.parameters.flattened().map { $0 + step }
        #expect(zip(published, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(published) vs \(expected)")
        let byVersion = try await fixture.promoter("p2").send(HTTPRequest(method: "GET", path: "/v1/models/1"))
        #expect(byVersion.body == model.body)

        // Raw per-node payloads are gone after aggregation; the ledger charged each contributor once.
        #expect(try fixture.store.updates(inRound: round).allSatisfy { $0.payload.isEmpty && $0.status == .aggregated })
        // Their spool files (this fixture's store is SQLite) are zeroed and removed just after the answer.
        let spooled = fixture.directory.file("aggregator.db-spool/r\(round)")
        #expect(try await fixture.eventually(within: 10) { !FileManager.default.fileExists(atPath: spooled) }, "\(spooled) is still there")
        #expect(FileManager.default.fileExists(atPath: fixture.directory.file("aggregator.db-spool/models")))
        let ledger = try await fixture.auditor().send(HTTPRequest(method: "GET", path: "/v1/ledger"))
        #expect(ledger.status == 200)
        struct Line: Decodable {
            let promoter: String
            let epsilon: Double
        }
        let lines = try ledger.decodeJSON([Line].self)
        #expect(lines.map(\.promoter).sorted() == ["p1", "p2", "p3"])
        #expect(lines.allSatisfy { $0.epsilon > 0 && $0.epsilon.isFinite })

        // The audit log as auditors read it holds decisions only: no tensor names, no payload bytes (items 48, 76).
        let exported = try await fixture.auditor().send(HTTPRequest(method: "GET", path: "/v1/audit/entries", query: "limit=1000"))
        let text = String(decoding: exported.body, as: UTF8.self)
        #expect(exported.status == 200 && text.contains("submit_update"))
        for marker in ["artist_factors", "genre_embedding", "__metadata__", "F32", "sample_count"] {
            #expect(!text.contains(marker), "\(marker) in the audit export")
        }

        // A second close does not aggregate again.
        let again = try await fixture.close(round)
        #expect(again.status == 409)
        #expect(AggregatorFixture.errorCode(again) == "already_closed")
        #expect(try fixture.store.withTransaction { try $0.latestModelVersion() }?.version == 1)
    }

    @Test func twoPromotersFailTheRoundAndNothingIsPublished() async throws {
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        for node in ["p1", "p2"] {
            #expect(try await fixture.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
        }
        let closure = try await fixture.close(round).decodeJSON(Closure.self)
        #expect(closure.state == "failed")
        #expect(closure.model_version == nil)
        #expect(closure.failure_reason?.contains("3") == true)
        #expect(try fixture.store.withTransaction { try $0.latestModelVersion() } == nil)
        let latest = try await fixture.promoter("p1").send(HTTPRequest(method: "GET", path: "/v1/models/latest"))
        #expect(latest.headers["X-Backline-Model-Version"] == "0")
        #expect(latest.body == fixture.initialModel.bytes)
        #expect(try fixture.auditEntries().contains { $0.outcome == "round_failed" && $0.round == Int(round) })
        #expect(fixture.logLines.text.contains("round failed"))
    }

    @Test func oneHundredfoldUpdateDoesNotMoveAMedianRound() async throws {  // item 67 at the service
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound(#"{"strategy": "median"}"#)
        for (node, delta) in [("p1", Float(0.1)), ("p2", 0.1), ("p3", 0.1), ("p4", 10)] {
            #expect(
                try await fixture.submit(try fixture.updateBody(round: round, node: node, delta: delta), as: node, to: round).status == 200
            )
        }
        let closure = try await fixture.close(round).decodeJSON(Closure.self)
        #expect(closure.state == "published")
        let model = try await fixture.promoter("p1").send(HTTPRequest(method: "GET", path: "/v1/models/latest"))
        let change = zip(try SafeTensors.decode(model.body).parameters.flattened(), fixture.initialModel.parameters.flattened()).map {
            $0 - $1
        }
        // Gradient sums {0.1, 0.1, 0.1, 10} over 10 members each: the median of the descent steps
        // {−0.01, −0.01, −0.01, −1} is −0.01; a mean would have moved −0.2575.
        #expect(change.allSatisfy { abs($0 + 0.01) < 1e-5 }, "\(change)")
    }

    @Test func aRoundIsNeverPublishedFromFewerThanThreeEvenIfConfiguredLower() throws {
        // min_clients below 3 is refused outright; the strategy's own floor is 3 as well.
        var parameters = RoundParameters(minClients: 2, deadlineSeconds: 60, clipNorm: 1, noiseMultiplier: 1, strategy: .median)
        #expect(throws: AggregatorError.self) { try parameters.validate(production: false, field: "round") }
        parameters.minClients = 3
        try parameters.validate(production: false, field: "round")
    }

    @Test func aRestartMidRoundKeepsAcknowledgedUpdatesAndCountsEachOnce() async throws {
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        let bodies = try ["p1", "p2", "p3"].map { try fixture.updateBody(round: round, node: $0, delta: 0.1) }
        let first = try await fixture.submit(bodies[0], as: "p1", to: round)
        let second = try await fixture.submit(bodies[1], as: "p2", to: round)
        #expect(first.status == 200 && second.status == 200)

        try await fixture.startService()  // the old server object is dropped: a crash as far as state goes

        struct Receipt: Decodable { let receipt_id: String }
        let retried = try await fixture.submit(bodies[1], as: "p2", to: round)  // the node never saw the answer
        #expect(retried.status == 200)
        #expect(try retried.decodeJSON(Receipt.self).receipt_id == second.decodeJSON(Receipt.self).receipt_id)
        #expect(try await fixture.submit(bodies[2], as: "p3", to: round).status == 200)
        let closure = try await fixture.close(round).decodeJSON(Closure.self)
        #expect(closure.state == "published")
        #expect(closure.contributors == ["p1", "p2", "p3"])
        #expect(try fixture.store.updates(inRound: round).count == 3)

        // The audit log continued across the restart and still verifies against its checkpoint.
        _ = try fixture.service.auditLog.checkpoint()
        let report = AuditVerifier(origin: AggregatorFixture.origin, keys: [fixture.signer.verifierKey])
            .verify(storage: StoreAuditStorage(store: fixture.store), saved: nil)
        #expect(report.ok, "\(report.problems)")
    }
}

/// Aggregation interrupted after the claim (audit down, or the process died): nothing is
/// published, the round stays `aggregating`, and it is aggregated once when resumed (item 50 form).
@Suite struct AggregatorResumeTests {
    @Test func closingWhileTheAuditLogIsDownDoesNothing() async throws {  // item 47 for aggregation
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        for node in ["p1", "p2", "p3"] {
            #expect(try await fixture.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
        }
        fixture.outage.isDown = true
        let refused = try await fixture.close(round)
        #expect(refused.status == 503)
        #expect(try fixture.store.round(round)?.state == .collecting)
        #expect(try fixture.store.withTransaction { try $0.latestModelVersion() } == nil)
        fixture.outage.isDown = false
        #expect(try await fixture.close(round).status == 200)
        #expect(try fixture.store.withTransaction { try $0.latestModelVersion() }?.version == 1)
    }

    @Test func aClaimedButUnfinishedRoundIsAggregatedAfterARestart() async throws {
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        for node in ["p1", "p2", "p3"] {
            #expect(try await fixture.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
        }
        // A process claims the round and dies before aggregating.
        #expect(try fixture.store.claimRoundForAggregation(round))
        #expect(try fixture.store.round(round)?.state == .aggregating)
        fixture.outage.isDown = true
        await fixture.service.resumeStalledRounds(claimedBefore: .distantFuture)  // audit down: nothing published
        #expect(try fixture.store.round(round)?.state == .aggregating)
        #expect(try fixture.store.withTransaction { try $0.latestModelVersion() } == nil)
        fixture.outage.isDown = false
        try await fixture.startService()  // restart resumes it
        #expect(try fixture.store.round(round)?.state == .published)
        #expect(try fixture.store.withTransaction { try $0.latestModelVersion() }?.version == 1)
        #expect(try fixture.auditEntries().filter { $0.outcome == "published" }.count == 1)
        let again = try await fixture.close(round)
        #expect(AggregatorFixture.errorCode(again) == "already_closed")
    }
}

/// The coordinator without HTTP, over the in-memory store.
@Suite struct RoundCoordinatorTests {
    @Test func rawUpdatesLeftInAFinishedRoundAreDiscardedOnce() throws {  // item 73: never kept after a round
        let fixture = try AggregatorFixture()
        let store = InMemoryFederationStore()
        let coordinator = RoundCoordinator(store: store, defaults: fixture.roundDefaults, initialModel: fixture.initialModel)
        let round = try coordinator.openRound(production: false)
        let body = try fixture.updateBody(round: round.id, node: "p1")
        _ = try store.submitUpdate(
            UpdateSubmission(
                round: round.id,
                promoterID: "p1",
                payload: body,
                digest: SHA256.hash(body),
                norm: 1,
                sampleCount: 10,
                receivedAt: Date()
            )
        )
        _ = try store.transitionRound(round.id, to: .failed)  // a process stopped before discarding
        #expect(try store.updates(inRound: round.id).first?.payload == body)
        #expect(try coordinator.discardLeftoverPayloads() == 1)
        #expect(try store.updates(inRound: round.id).first?.payload.isEmpty == true)
        #expect(try coordinator.discardLeftoverPayloads() == 0)
    }

    @Test func onlyOneRoundRunsAtATimeAndIdsIncrease() throws {
        let fixture = try AggregatorFixture()
        let coordinator = RoundCoordinator(
            store: InMemoryFederationStore(),
            defaults: fixture.roundDefaults,
            initialModel: fixture.initialModel
        )
        let first = try coordinator.openRound(production: true)
        #expect(throws: StoreError.self) { try coordinator.openRound(production: true) }
        #expect(try coordinator.claim(first.id))
        #expect(try !coordinator.claim(first.id))
        let closure = try coordinator.aggregate(first.id)
        #expect(closure.state == .failed && closure.modelVersion == nil)
        #expect(try coordinator.openRound(production: true).id == first.id + 1)
    }
}
