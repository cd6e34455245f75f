import BacklineCore
import BacklineTestSupport
import Foundation
import Synchronization
import Testing

@testable import BacklineStore

/// SECURITY-TESTS 55: `pg_ctl restart -m immediate` while updates are being stored → the store
/// reconnects with bounded backoff; every acknowledged update is there exactly once.
@Suite(.enabled(if: PostgresTestEnvironment.isAvailable, "needs the PostgreSQL binaries of scripts/with-postgres.sh"))
struct PostgresReconnectTests {
    @Test func anImmediateRestartLosesAndDoublesNothing() throws {
        let cluster = try ThrowawayPostgresCluster()
        let configuration = try PostgresConfiguration(
            connectionString: cluster.url,
            reconnectPolicy: ReconnectPolicy(maxAttempts: 20, initialDelay: 0.05, maxDelay: 1)
        )
        let store = try SQLFederationStore.makePostgres(configuration)
        try store.createRound(StoreSamples.round(1))
        let submissions = (0..<40).map {
            StoreSamples.submission(round: 1, promoter: "p\($0)", payload: [UInt8($0), 1, 2])
        }
        let receipts = Mutex<[String: UpdateReceipt]>([:])
        let failures = Mutex<[String]>([])
        let restarted = Mutex(false)
        let writer = Thread {
            for submission in submissions {
                do {
                    let receipt = try store.submitUpdate(submission)
                    receipts.withLock { $0[submission.promoterID] = receipt }
                } catch {
                    failures.withLock { $0.append("\(submission.promoterID): \(error)") }
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        writer.start()
        func settled() -> Int { receipts.withLock { $0.count } + failures.withLock { $0.count } }
        func wait(until done: () -> Bool) throws {
            let deadline = Date().addingTimeInterval(60)
            while !done() {
                guard Date() < deadline else { throw StoreError.database(.unavailable, "writer stalled") }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        // Restart once about a quarter of the updates are in.
        try wait { settled() >= 10 }
        try cluster.restartImmediately()
        restarted.withLock { $0 = true }
        try wait { settled() == submissions.count }
        #expect(restarted.withLock { $0 })
        #expect(failures.withLock { $0 } == [])
        let stored = try store.updates(inRound: 1)
        #expect(stored.count == submissions.count)
        let acknowledged = receipts.withLock { $0 }
        for update in stored { #expect(acknowledged[update.promoterID] == update.receipt) }
        // Resubmitting everything after the restart changes nothing.
        for submission in submissions { #expect(try store.submitUpdate(submission) == acknowledged[submission.promoterID]) }
        #expect(try store.updates(inRound: 1).count == submissions.count)
    }

    @Test func anUnreachableServerFailsAfterBoundedRetries() throws {
        let configuration = try PostgresConfiguration(
            connectionString: "postgresql://nobody@127.0.0.1:1/none",
            reconnectPolicy: ReconnectPolicy(maxAttempts: 3, initialDelay: 0.01, maxDelay: 0.02)
        )
        let started = Date()
        let error = #expect(throws: StoreError.self) { try SQLFederationStore.makePostgres(configuration) }
        #expect(error?.code == .unavailable)
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
