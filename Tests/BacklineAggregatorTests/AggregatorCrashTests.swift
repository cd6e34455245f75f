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

/// `kill -9` of a real `backline aggregator serve` process mid-collection, mid-aggregation,
/// mid-publish, after a commit whose receipt was never sent, and at random moments of a run of
/// rounds; then a restart on the same SQLite file (SECURITY-TESTS 49, 50, 54, 74). Nothing
/// acknowledged is lost, nothing is counted twice, the model version only moves forward and the
/// model is whole (its bytes match the checksum and decode).
@Suite struct AggregatorCrashTests {
    /// A fixture, its SQLite path and a process serving it.
    static func serve(roundDefaults: String? = nil, autoRounds: Int? = nil) throws -> (AggregatorFixture, String, AggregatorProcess) {
        let fixture = try AggregatorFixture()
        let path = fixture.directory.file("process.db")
        let process =
            try roundDefaults.map {
                try AggregatorProcess(fixture: fixture, store: #"{"sqlite": "\#(path)"}"#, roundDefaults: $0, autoRounds: autoRounds)
            } ?? AggregatorProcess(fixture: fixture, store: #"{"sqlite": "\#(path)"}"#, autoRounds: autoRounds)
        return (fixture, path, process)
    }

    /// Checks the published model `version` as a promoter downloads it: header, checksum, decoding,
    /// and (when given) every value `initial + shift` (an update is a gradient sum over 10 members,
    /// so FedAvg moves each value by minus the updates' mean over 10).
    static func expectWholeModel(_ process: AggregatorProcess, version: Int64, shift: Float? = nil) async throws {
        let response = try await process.send(.promoter, "p2", HTTPRequest(method: "GET", path: "/v1/models/latest"))
        #expect(response.status == 200)
        #expect(response.headers["X-Backline-Model-Version"] == String(version))
        #expect(response.headers["X-Backline-Model-SHA256"] == Hex.encode(SHA256.hash(response.body)))
        let values = try SafeTensors.decode(response.body).parameters.flattened()
        #expect(values.count == process.fixture.initialModel.shape.count)
        if let shift {
            let expected = process.fixture.initialModel.parameters.flattened().map { $0 + shift }
            #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(values) vs \(expected)")
        }
    }

    struct Receipt: Decodable, Equatable {
        let receipt_id: String
        let round: Int64
        let node: String
    }

    @Test func killedMidCollectionKeepsEveryAcknowledgedUpdateAndCountsEachOnce() async throws {
        let (fixture, path, process) = try Self.serve()
        try await process.start()
        let round = try await process.openRound()
        var receipts: [String: Receipt] = [:]
        for node in ["p1", "p2"] {
            let response = try await process.submit(try fixture.updateBody(round: round, node: node), as: node, to: round)
            #expect(response.status == 200)
            receipts[node] = try response.decodeJSON(Receipt.self)
        }
        process.kill9()
        try await process.start()
        // Both acknowledged updates survived; a retry of p1's gets its first receipt back.
        #expect(try await process.currentRound().contributions == 2)
        let retry = try await process.submit(try fixture.updateBody(round: round, node: "p1"), as: "p1", to: round)
        #expect(retry.status == 200)
        #expect(try retry.decodeJSON(Receipt.self) == receipts["p1"])
        #expect(try await process.submit(try fixture.updateBody(round: round, node: "p3"), as: "p3", to: round).status == 200)
        #expect(try await process.currentRound().contributions == 3)
        let closed = try await process.send(.operator, "ops", HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/close"))
        #expect(closed.status == 200, "\(String(decoding: closed.body, as: UTF8.self))")
        try await Self.expectWholeModel(process, version: 1, shift: -0.5 / 10)
        let store = try SQLFederationStore.makeSQLite(.file(path))
        let updates = try store.updates(inRound: round)
        #expect(updates.map(\.promoterID) == ["p1", "p2", "p3"])
        #expect(updates.allSatisfy { $0.status == .aggregated })
        #expect(updates.first { $0.promoterID == "p2" }?.receipt.receiptID == receipts["p2"]?.receipt_id)
        #expect(try store.withTransaction { try $0.ledgerEntries(promoterID: nil) }.count == 3)
    }

    @Test(arguments: ["aggregate", "publish"])
    func killedMidAggregationOrPublishPublishesExactlyOnceAfterRestart(point: String) async throws {
        let (fixture, path, process) = try Self.serve()
        try await process.start(crashAt: point)
        let round = try await process.openRound()
        for node in ["p1", "p2", "p3"] {
            #expect(try await process.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
        }
        // The close never answers: the process dies at the crash point, as under kill -9.
        let closing = try? await process.send(.operator, "ops", HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/close"))
        #expect(closing == nil || closing?.status == 503)
        #expect(try await process.waitForExit() == 137, "\(process.log)")
        #expect(process.log.contains("BACKLINE_TEST_CRASH_AT=\(point)"))
        do {
            // Dead mid-way: the round is claimed, no model was committed (the publishing
            // transaction never reached COMMIT), the updates are still there.
            let store = try SQLFederationStore.makeSQLite(.file(path))
            #expect(try store.round(round)?.state == .aggregating)
            #expect(try store.withTransaction { try $0.latestModelVersion() } == nil)
            #expect(try store.updates(inRound: round).allSatisfy { !$0.payload.isEmpty && $0.status == .accepted })
        }
        try await process.start()
        // The restarted process finishes the round once: version 1, three contributors, three charges.
        let store = try SQLFederationStore.makeSQLite(.file(path))
        #expect(try store.round(round)?.state == .published)
        let models = try store.withTransaction { try $0.latestModelVersion() }
        #expect(models?.version == 1 && models?.round == round)
        #expect(try store.updates(inRound: round).allSatisfy { $0.status == .aggregated && $0.payload.isEmpty })
        #expect(try store.withTransaction { try $0.ledgerEntries(promoterID: nil) }.map(\.promoterID).sorted() == ["p1", "p2", "p3"])
        try await Self.expectWholeModel(process, version: 1, shift: -0.5 / 10)
        let again = try await process.send(.operator, "ops", HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/close"))
        #expect(again.status == 409)
        #expect(process.log.contains("resuming the aggregation of a round left half-done"))
    }

    @Test func killedAfterTheCommitBeforeTheReceiptTheRetryGetsTheStoredReceipt() async throws {
        let (fixture, path, process) = try Self.serve()
        try await process.start(crashAt: "acknowledge")
        let round = try await process.openRound()
        let body = try fixture.updateBody(round: round, node: "p1")
        let lost = try? await process.submit(body, as: "p1", to: round)
        #expect(lost == nil)  // no answer: the process died after COMMIT
        #expect(try await process.waitForExit() == 137)
        let stored = try #require(try SQLFederationStore.makeSQLite(.file(path)).updates(inRound: round).first)
        try await process.start()
        let retry = try await process.submit(body, as: "p1", to: round)
        #expect(retry.status == 200)
        #expect(try retry.decodeJSON(Receipt.self).receipt_id == stored.receipt.receiptID)
        #expect(try await process.currentRound().contributions == 1)
    }

    @Test func killedBetweenTheTargetUpdateAndTheCloseTheRestartClosesTheRound() async throws {
        let (fixture, path, process) = try Self.serve(
            roundDefaults:
                #"{"min_clients": 3, "target_clients": 3, "deadline_seconds": 600, "clip_norm": 1, "noise_multiplier": 1.1, "strategy": "fedavg"}"#
        )
        try await process.start()
        let round = try await process.openRound()
        for node in ["p1", "p2"] {
            #expect(try await process.submit(try fixture.updateBody(round: round, node: node), as: node, to: round).status == 200)
        }
        process.kill9()
        try await process.start(crashAt: "acknowledge")
        // The third update reaches the target and is committed; the process dies before closing.
        _ = try? await process.submit(try fixture.updateBody(round: round, node: "p3"), as: "p3", to: round)
        #expect(try await process.waitForExit() == 137)
        #expect(try SQLFederationStore.makeSQLite(.file(path)).round(round)?.state == .collecting)
        try await process.start()
        let store = try SQLFederationStore.makeSQLite(.file(path))
        #expect(try store.round(round)?.state == .published, "\(process.log)")
        #expect(try store.withTransaction { try $0.latestModelVersion() }?.version == 1)
        try await Self.expectWholeModel(process, version: 1, shift: -0.5 / 10)
    }

    /// Three promoters run three automatic rounds (target 3) while the aggregator is killed at
    /// seeded random moments; the run completes and every invariant holds.
    @Test func randomKillsDuringAutomaticRoundsLoseNothingAndPublishEachRoundOnce() async throws {
        let rounds = 3
        let (fixture, path, process) = try Self.serve(
            roundDefaults:
                #"{"min_clients": 3, "target_clients": 3, "deadline_seconds": 600, "clip_norm": 1, "noise_multiplier": 1.1, "strategy": "fedavg"}"#,
            autoRounds: rounds
        )
        try await process.start()
        var generator = SeededGenerator(seed: 0x0B_AC_C1)
        let delays = (0..<4).map { _ in Int.random(in: 80...700, using: &generator) }
        /// What one promoter saw: its acknowledged receipts and any model version that went back.
        struct Seen: Sendable {
            var receipts: [Receipt] = []
            var wentBack: [String] = []
            var kills: [Date] = []
            var done: [Date] = []
        }
        let seen = try await withThrowingTaskGroup(of: Seen.self) { group in
            for node in ["p1", "p2", "p3"] {
                group.addTask {
                    var seen = Seen()
                    var submitted: Set<Int64> = []
                    var newestVersion: Int64 = 0
                    let deadline = Date().addingTimeInterval(60)
                    while newestVersion < Int64(rounds) && Date() < deadline {
                        guard let current = try? await process.currentRound(as: node) else {
                            try await Task.sleep(for: .milliseconds(30))
                            continue
                        }
                        if current.model_version < newestVersion {
                            seen.wentBack.append("\(node): \(newestVersion) → \(current.model_version)")
                        }
                        newestVersion = max(newestVersion, current.model_version)
                        if current.accepting && !submitted.contains(current.round) {
                            let body = try fixture.updateBody(round: current.round, node: node, delta: Float(current.round) * 0.1)
                            if let response = try? await process.submit(body, as: node, to: current.round) {
                                if response.status == 200 {
                                    seen.receipts.append(try response.decodeJSON(Receipt.self))
                                    submitted.insert(current.round)
                                } else if AggregatorFixture.errorCode(response) == "round_closed" {
                                    submitted.insert(current.round)
                                }
                            }
                        }
                        try await Task.sleep(for: .milliseconds(150))  // a node's polling pace
                    }
                    seen.done.append(Date())
                    return seen
                }
            }
            group.addTask {
                var killed: [Date] = []
                for delay in delays {
                    try await Task.sleep(for: .milliseconds(delay))
                    process.kill9()
                    killed.append(Date())
                    try await process.start()
                }
                return Seen(kills: killed)
            }
            return try await group.reduce(into: Seen()) {
                $0.receipts += $1.receipts
                $0.wentBack += $1.wentBack
                $0.kills += $1.kills
                $0.done += $1.done
            }
        }
        // The kills landed while rounds were running, not after the last one.
        let finishedAt = try #require(seen.done.max())
        #expect(seen.kills.filter { $0 < finishedAt }.count >= 2, "kills \(seen.kills), finished \(finishedAt)")
        #expect(seen.wentBack.isEmpty, "\(seen.wentBack)")
        // A receipt lost with a killed process is not retried once the next round opened: at most one per (node, round).
        #expect(!seen.receipts.isEmpty && seen.receipts.count <= 3 * rounds)
        let store = try SQLFederationStore.makeSQLite(.file(path))
        let stored = try store.withTransaction { try $0.rounds(in: nil) }
        #expect(stored.map(\.id) == Array(1...Int64(rounds)), "\(process.log)")
        #expect(stored.allSatisfy { $0.state == .published })
        for version in 1...Int64(rounds) {
            #expect(try store.withTransaction { try $0.modelVersion(version) }?.round == version)
        }
        // Every acknowledged update is stored under its receipt and went into its round once.
        for receipt in seen.receipts {
            let update = try store.updates(inRound: receipt.round).first { $0.promoterID == receipt.node }
            #expect(update?.receipt.receiptID == receipt.receipt_id)
            #expect(update?.status == .aggregated)
        }
        let charges = try store.withTransaction { try $0.ledgerEntries(promoterID: nil) }
        #expect(charges.count == 3 * rounds)
        #expect(Set(charges.map { "\($0.promoterID)@\($0.round ?? 0)" }).count == 3 * rounds)
        try await Self.expectWholeModel(process, version: Int64(rounds), shift: -(0.1 + 0.2 + 0.3) / 10)
    }
}
