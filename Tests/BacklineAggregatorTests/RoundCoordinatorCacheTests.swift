import BacklineCrypto
import BacklineFederation
import BacklineStore
import Foundation
import Testing

@testable import BacklineAggregator

/// Closing a round takes the updates this process validated on arrival from its cache and reads
/// the others from the store: whichever replica received which update, the model is the same.
@Suite struct RoundCoordinatorCacheTests {
    /// Who stores each of p1, p2, p3 (true: the replica that aggregates) and the model it publishes.
    private func publishedModel(storedByAggregator: [Bool], fixture: AggregatorFixture) throws -> [UInt8] {
        let store = InMemoryFederationStore()
        let aggregator = RoundCoordinator(store: store, defaults: fixture.roundDefaults, initialModel: fixture.initialModel)
        let other = RoundCoordinator(store: store, defaults: fixture.roundDefaults, initialModel: fixture.initialModel)
        let round = try aggregator.openRound(production: false)
        for (index, node) in ["p1", "p2", "p3"].enumerated() {
            let receiver = storedByAggregator[index] ? aggregator : other
            let body = try fixture.updateBody(
                round: round.id,
                node: node,
                delta: Float(index + 1) * 0.25,
                sampleCount: Double(10 * (index + 1))
            )
            guard case .success(let update) = try receiver.validate(try UpdateEnvelope(decoding: body), in: round) else {
                throw StoreError.invalidInput("update", "the fixture's update for \(node) does not validate")
            }
            _ = try receiver.store(update, body: body, digest: SHA256.hash(body), round: round.id, node: node, now: Date())
        }
        #expect(try aggregator.claim(round.id))
        let closure = try aggregator.aggregate(round.id)
        #expect(closure.state == .published)
        #expect(closure.contributors.sorted() == ["p1", "p2", "p3"])
        #expect(try store.updates(inRound: round.id).allSatisfy { $0.status == .aggregated && $0.payload.isEmpty })
        return try aggregator.latestModel().bytes
    }

    @Test func theModelIsTheSameWhicheverReplicaReceivedTheUpdates() throws {
        let fixture = try AggregatorFixture()
        let allCached = try publishedModel(storedByAggregator: [true, true, true], fixture: fixture)
        let noneCached = try publishedModel(storedByAggregator: [false, false, false], fixture: fixture)
        let mixed = try publishedModel(storedByAggregator: [true, false, true], fixture: fixture)
        #expect(allCached == noneCached)
        #expect(allCached == mixed)
        #expect(allCached != fixture.initialModel.bytes)
    }
}
