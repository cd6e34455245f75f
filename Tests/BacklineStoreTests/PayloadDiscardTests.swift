import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineStore

/// SECURITY-TESTS 73 (store side): raw per-promoter updates are not kept after the round ends.
@Suite struct PayloadDiscardTests {
    @Test(arguments: StoreBackend.available)
    func payloadsAreDiscardedOnlyAfterTheRoundEnds(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            try store.createRound(StoreSamples.round(1))
            let submission = StoreSamples.submission(round: 1, promoter: "p1", payload: [5, 6, 7])
            let receipt = try store.submitUpdate(submission)
            #expect(throws: StoreError(code: .invalidTransition, reason: "")) { try store.discardPayloads(inRound: 1) }
            #expect(try store.claimRoundForAggregation(1))
            #expect(throws: StoreError(code: .invalidTransition, reason: "")) { try store.discardPayloads(inRound: 1) }
            _ = try store.transitionRound(1, to: .published, at: StoreSamples.time(100))
            #expect(try store.discardPayloads(inRound: 1, at: StoreSamples.time(101)) == 1)
            #expect(try store.discardPayloads(inRound: 1, at: StoreSamples.time(102)) == 0)
            let kept = try #require(try store.updates(inRound: 1).first)
            #expect(kept.payload.isEmpty)
            #expect(kept.payloadDiscardedAt == StoreSamples.time(101))
            #expect(kept.receipt == receipt)
            // A retry of the same update still gets its receipt; other bytes are still refused.
            #expect(try store.submitUpdate(submission) == receipt)
            #expect(throws: StoreError(code: .conflict, reason: "")) {
                try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [9]))
            }
        }
    }

    @Test func discardedBytesLeaveTheSQLiteFiles() throws {
        let directory = try TemporaryDirectory(prefix: "backline-discard")
        let path = directory.file("s.db")
        let store = try SQLFederationStore.makeSQLite(.file(path))
        try store.createRound(StoreSamples.round(1))
        let marker = Array("RAW-UPDATE-MARKER-".utf8)
        let payload = Array((0..<400).map { _ in marker }.joined())
        _ = try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: payload))
        // The database, its WAL and every file of the payload spool beside it.
        func files() -> [String] {
            let spool = path + "-spool"
            let spooled = (FileManager.default.subpaths(atPath: spool) ?? []).map { spool + "/" + $0 }
            return [path, path + "-wal"] + spooled
        }
        func filesContainMarker() -> Bool {
            files().contains { file in
                guard let data = FileManager.default.contents(atPath: file) else { return false }
                return data.range(of: Data(marker)) != nil
            }
        }
        #expect(filesContainMarker())
        #expect(files().contains { $0.hasSuffix(".update") })  // the payload lives in the spool
        _ = try store.transitionRound(1, to: .failed, at: StoreSamples.time(5))
        try store.discardPayloads(inRound: 1)
        try store.purgeDiscardedData()
        #expect(!filesContainMarker())
        #expect(!FileManager.default.fileExists(atPath: path + "-spool/r1"))
    }
}
