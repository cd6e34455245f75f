import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineStore

/// SECURITY-TESTS 56: on a full disk (a 4 MiB tmpfs, 2.5 MiB of it ballast, when the test may mount one, else SQLite's
/// `max_page_count`) a submission fails with an explicit storage_full error, everything
/// acknowledged before is intact, and writing resumes once space is freed.
@Suite struct SQLiteStorageFullTests {
    /// A small filesystem or page cap, and how to free room on it.
    final class CrampedDisk {
        let directory: TemporaryDirectory
        let databasePath: String
        let mounted: Bool
        private let ballastPath: String

        init() throws {
            directory = try TemporaryDirectory(prefix: "backline-full")
            let mountPoint = directory.file("disk")
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
            mounted =
                getuid() == 0 && (try? ToolRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mountPoint])) == 0
            databasePath = mountPoint + "/state.db"
            ballastPath = mountPoint + "/ballast"
            if mounted {
                // 2.5 MiB of ballast to delete later: room for the WAL checkpoint on close and new writes
                // (the 1.5 MiB left holds the migrated schema and its WAL with room to spare).
                _ = FileManager.default.createFile(atPath: ballastPath, contents: Data(count: 5 * 512 * 1024))
            }
        }

        /// The store, capped by page count when no tmpfs could be mounted.
        func open(roomy: Bool = false) throws -> SQLFederationStore {
            var configuration = SQLiteConfiguration.file(databasePath)
            if !mounted { configuration.maxPageCount = roomy ? 100_000 : 200 }
            return try SQLFederationStore.makeSQLite(configuration)
        }

        /// Frees room: deletes the ballast (tmpfs) or lifts the page cap (reopen with `roomy`).
        func freeSpace() throws {
            if mounted { try FileManager.default.removeItem(atPath: ballastPath) }
        }

        deinit {
            if mounted { _ = try? ToolRunner.run("/bin/umount", ["-l", directory.file("disk")]) }
        }
    }

    @Test func aFullDiskGivesAnExplicitErrorAndKeepsAcknowledgedState() throws {
        let disk = try CrampedDisk()
        var store: SQLFederationStore? = try disk.open()
        try store!.createRound(StoreSamples.round(1))
        var acknowledged: [String: UpdateReceipt] = [:]
        var failure: StoreError?
        var rejected: UpdateSubmission?
        for index in 0..<200 {
            let payload = (0..<(32 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* (index + 7)) }
            let submission = StoreSamples.submission(round: 1, promoter: "p\(index)", payload: payload)
            do {
                acknowledged["p\(index)"] = try store!.submitUpdate(submission)
            } catch let error as StoreError {
                failure = error
                rejected = submission
                break
            }
        }
        #expect(failure?.code == .storageFull, "got \(String(describing: failure))")
        #expect(acknowledged.count >= 2, "the disk filled up before any update was stored")
        try #require(rejected != nil)

        // Still full: what was acknowledged is there and whole, the refused update is absent.
        try checkIntact(store!, acknowledged)

        // Freed: a fresh connection sees the same state, and the refused update now goes in.
        try disk.freeSpace()
        store = nil
        store = try disk.open(roomy: true)
        try checkIntact(store!, acknowledged)
        let receipt = try store!.submitUpdate(rejected!)
        #expect(try store!.updates(inRound: 1).count == acknowledged.count + 1)
        #expect(receipt.promoterID == rejected!.promoterID)
    }

    private func checkIntact(_ store: SQLFederationStore, _ acknowledged: [String: UpdateReceipt]) throws {
        let stored = try store.updates(inRound: 1)
        #expect(Set(stored.map(\.promoterID)) == Set(acknowledged.keys))
        for update in stored {
            #expect(update.receipt == acknowledged[update.promoterID])
            #expect(update.digest == StoreSamples.digest(of: update.payload))
        }
        #expect(try store.round(1)?.state == .collecting)
    }
}
