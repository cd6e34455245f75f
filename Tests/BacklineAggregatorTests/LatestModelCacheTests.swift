import BacklineAggregator
import BacklineCrypto
import BacklineModel
import BacklineStore
import BacklineTestSupport
import Foundation
import Testing

/// The coordinator keeps the newest model in memory and only asks the store whether a next
/// version exists; a version published by another replica on the same database must still be
/// seen at once (scale-out), and the bytes served must be that version's.
@Suite struct LatestModelCacheTests {
    static let defaults = RoundParameters(minClients: 3, deadlineSeconds: 600, clipNorm: 1, noiseMultiplier: 1.1, strategy: .fedAvg)

    static func model(version: Int64, value: Float) throws -> GlobalModel {
        let parameters = try ParameterSet([("artist_factors", Tensor(shape: [4, 2], values: [Float](repeating: value, count: 8)))])
        return try GlobalModel(version: version, bytes: try SafeTensors.encode(parameters), what: "model \(version)")
    }

    static func publish(_ model: GlobalModel, in store: any FederationStore) throws {
        try store.withTransaction {
            try $0.insertModelVersion(
                ModelVersionRecord(version: model.version, bytes: model.bytes, checksum: model.checksum, createdAt: Date())
            )
        }
    }

    @Test func aVersionPublishedByAnotherReplicaReplacesTheCachedOne() throws {
        let directory = try TemporaryDirectory(prefix: "backline-latest-model")
        defer { directory.remove() }
        let path = directory.file("aggregator.db")
        let ours = try SQLFederationStore.makeSQLite(.file(path))
        let replica = try SQLFederationStore.makeSQLite(.file(path))
        let coordinator = RoundCoordinator(store: ours, defaults: Self.defaults, initialModel: try Self.model(version: 0, value: 0))
        #expect(try coordinator.latestModel().version == 0)

        let first = try Self.model(version: 1, value: 1)
        try Self.publish(first, in: replica)
        #expect(try coordinator.latestModel().checksum == first.checksum)
        #expect(try coordinator.latestModel().version == 1)  // now from the cache

        let second = try Self.model(version: 2, value: 2)
        try Self.publish(second, in: replica)
        let seen = try coordinator.latestModel()
        #expect(seen.version == 2)
        #expect(seen.checksum == second.checksum)
        #expect(seen.parameters.flattened() == [Float](repeating: 2, count: 8))
    }
}
