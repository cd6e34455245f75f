import BacklineAggregator
import BacklineModel
import BacklinePrivacy
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

/// The server optimizer's state lives in the store with each model version, so FedAdam continues
/// across a restart (and across replicas on one database) instead of starting from zero moments.
@Suite struct OptimizerStateTests {
    /// Runs two FedAdam rounds of fixed updates, restarting the aggregator between them when asked;
    /// returns model version 2's values.
    static func twoAdamRounds(restartBetween: Bool) async throws -> [Float] {
        let fixture = try await AggregatorFixture.make()
        for round in 1...2 {
            if round == 2 && restartBetween { try await fixture.startService() }
            let id = try await fixture.openRound(#"{"strategy": "fedadam"}"#)
            for (index, node) in ["p1", "p2", "p3"].enumerated() {
                let body = try fixture.updateBody(round: id, node: node, delta: Float(index + 1) * 0.3 * Float(round), sampleCount: 10)
                #expect(try await fixture.submit(body, as: node, to: id).status == 200)
            }
            #expect(try await fixture.close(id).status == 200)
        }
        let stored = try #require(try fixture.store.withTransaction { try $0.optimizerState(version: 2) })
        let state = try ServerOptimizerState(decoding: stored)
        #expect(state.step == 2)
        #expect(state.firstMoment.count == fixture.initialModel.shape.count)
        let model = try await fixture.promoter("p1").send(HTTPRequest(method: "GET", path: "/v1/models/2"))
        #expect(model.status == 200)
        return try SafeTensors.decode(model.body).parameters.flattened()
    }

    @Test func fedAdamContinuesAcrossARestartAsIfNoneHappened() async throws {
        let continuous = try await Self.twoAdamRounds(restartBetween: false)
        let restarted = try await Self.twoAdamRounds(restartBetween: true)
        #expect(continuous == restarted)
    }

    @Test func theStoredStateRoundTripsAndDamagedBytesAreRefused() throws {
        let state = ServerOptimizerState(firstMoment: [0.5, -1.25, 3], secondMoment: [0.1, 0.2, 0.3], step: 7)
        let bytes = state.encoded()
        #expect(try ServerOptimizerState(decoding: bytes) == state)
        #expect(try ServerOptimizerState(decoding: ServerOptimizerState.initial.encoded()) == .initial)
        var badMagic = bytes
        badMagic[0] ^= 1
        #expect(throws: PrivacyError.self) { try ServerOptimizerState(decoding: badMagic) }
        #expect(throws: PrivacyError.self) { try ServerOptimizerState(decoding: Array(bytes.dropLast(2))) }
        #expect(throws: PrivacyError.self) { try ServerOptimizerState(decoding: bytes + [0]) }
        var notFinite = ServerOptimizerState(firstMoment: [.nan], secondMoment: [1], step: 1).encoded()
        #expect(throws: PrivacyError.self) { try ServerOptimizerState(decoding: notFinite) }
        notFinite.removeAll()
        #expect(throws: PrivacyError.self) { try ServerOptimizerState(decoding: notFinite) }
    }

    @Test func aStateNeedsItsModelVersionAndIsWrittenOnce() throws {
        let directory = try TemporaryDirectory(prefix: "backline-optimizer-state")
        for store in [
            try SQLFederationStore.makeSQLite(.file(directory.file("store.db"))) as any FederationStore, InMemoryFederationStore(),
        ] {
            #expect(throws: StoreError.self) { try store.withTransaction { try $0.insertOptimizerState(version: 1, state: [1]) } }
            try store.withTransaction { transaction in
                try transaction.insertModelVersion(
                    ModelVersionRecord(version: 1, bytes: [1, 2], checksum: [UInt8](repeating: 7, count: 32), createdAt: Date())
                )
                try transaction.insertOptimizerState(version: 1, state: [9, 9])
            }
            #expect(try store.withTransaction { try $0.optimizerState(version: 1) } == [9, 9])
            #expect(throws: StoreError.self) { try store.withTransaction { try $0.insertOptimizerState(version: 1, state: [8]) } }
            #expect(try store.withTransaction { try $0.optimizerState(version: 1) } == [9, 9])
        }
    }
}
