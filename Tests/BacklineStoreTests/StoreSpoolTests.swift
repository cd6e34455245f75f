import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineStore

/// A SQLite store keeps update payloads as files in `<database>-spool/`: written and synced
/// before the row, read back through the store, never left behind by a refused submission, and
/// refused when a tampered row points outside the spool.
@Suite struct StoreSpoolTests {
    /// A SQLite file store in a fresh directory (removed with the fixture).
    private struct Fixture {
        let directory: TemporaryDirectory
        let path: String
        let store: SQLFederationStore

        init() throws {
            directory = try TemporaryDirectory(prefix: "backline-spool")
            path = directory.file("s.db")
            store = try SQLFederationStore.makeSQLite(.file(path))
        }
    }

    private func spoolFiles(_ path: String) -> [String] {
        (FileManager.default.subpaths(atPath: path + "-spool") ?? []).filter { $0.hasSuffix(".update") }.sorted()
    }

    @Test func aSubmittedPayloadIsAnOwnerOnlyFileAndTheRowHoldsItsName() throws {
        let fixture = try Fixture()
        let (store, path) = (fixture.store, fixture.path)
        try store.createRound(StoreSamples.round(1))
        let payload = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let receipt = try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: payload))

        let files = spoolFiles(path)
        #expect(files.count == 1)
        let file = path + "-spool/" + files[0]
        #expect(FileManager.default.contents(atPath: file).map(Array.init) == payload)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let row = try store.withConnection { try $0.query("SELECT length(payload), payload_file FROM updates").first }
        #expect(try row?.int64(0) == 0)
        #expect(try row?.optionalString(1) == files[0])
        #expect(try store.updates(inRound: 1).first?.payload == payload)
        #expect(try store.withTransaction { try $0.updatesWithoutPayloads(inRound: 1) }.first?.receipt == receipt)
        #expect(try store.withTransaction { try $0.updatesWithoutPayloads(inRound: 1) }.first?.payload.isEmpty == true)
    }

    @Test func aConflictingResubmissionLeavesTheStoredFileAndNoOther() throws {
        let fixture = try Fixture()
        let (store, path) = (fixture.store, fixture.path)
        try store.createRound(StoreSamples.round(1))
        let first = StoreSamples.submission(round: 1, promoter: "p1", payload: [1, 2, 3])
        let receipt = try store.submitUpdate(first)
        let stored = spoolFiles(path)
        #expect(throws: StoreError(code: .conflict, reason: "")) {
            try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [9, 9, 9]))
        }
        #expect(spoolFiles(path) == stored)
        #expect(try store.updates(inRound: 1).first?.payload == [1, 2, 3])
        // The identical retry rewrites the same file and gets the same receipt.
        #expect(try store.submitUpdate(first) == receipt)
        #expect(spoolFiles(path) == stored)
    }

    @Test func refusedSubmissionsLeaveNoFile() throws {
        let fixture = try Fixture()
        let (store, path) = (fixture.store, fixture.path)
        try store.createRound(StoreSamples.round(1))
        _ = try store.transitionRound(1, to: .failed, at: StoreSamples.time(5))
        #expect(throws: StoreError(code: .roundClosed, reason: "")) {
            try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [4, 5]))
        }
        #expect(spoolFiles(path).isEmpty)
    }

    @Test func anIdenticalRetryAfterTheRoundEndedGetsItsReceiptAndLeavesNoFile() throws {
        let fixture = try Fixture()
        let (store, path) = (fixture.store, fixture.path)
        try store.createRound(StoreSamples.round(1))
        let submission = StoreSamples.submission(round: 1, promoter: "p1", payload: [7, 7])
        let receipt = try store.submitUpdate(submission)
        _ = try store.transitionRound(1, to: .failed, at: StoreSamples.time(5))
        #expect(try store.discardPayloads(inRound: 1) == 1)
        #expect(spoolFiles(path).isEmpty)
        #expect(try store.submitUpdate(submission) == receipt)
        #expect(spoolFiles(path).isEmpty)
    }

    @Test func aSecondStoreOnTheSameDatabaseReadsTheSpool() throws {
        let fixture = try Fixture()
        let (store, path) = (fixture.store, fixture.path)
        try store.createRound(StoreSamples.round(1))
        _ = try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [3, 1, 4, 1, 5]))
        let replica = try SQLFederationStore.makeSQLite(.file(path))
        #expect(try replica.updates(inRound: 1).first?.payload == [3, 1, 4, 1, 5])
    }

    @Test func crashLeftoversAreSweptAtOpenOnceAnHourOldAndNothingElse() throws {
        let fixture = try Fixture()
        let (store, path) = (fixture.store, fixture.path)
        try store.createRound(StoreSamples.round(1))
        _ = try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [1, 2, 3]))
        let spool = path + "-spool"
        let stored = spool + "/" + spoolFiles(path)[0]
        let manager = FileManager.default
        let twoHoursAgo = Date(timeIntervalSinceNow: -7200)
        for name in ["models", "r7", "r8", "notes"] {
            try manager.createDirectory(atPath: spool + "/" + name, withIntermediateDirectories: true)
        }
        let oldTemporary = spool + "/models/v1-aa.safetensors.tmp-1f"
        let freshTemporary = spool + "/models/v2-bb.safetensors.tmp-2e"
        let oldRoundTemporary = stored + ".tmp-3d"
        for file in [oldTemporary, freshTemporary, oldRoundTemporary] {
            #expect(manager.createFile(atPath: file, contents: Data([9, 9])))
        }
        for item in [oldTemporary, oldRoundTemporary, stored, spool + "/r1", spool + "/r7", spool + "/notes"] {
            try manager.setAttributes([.modificationDate: twoHoursAgo], ofItemAtPath: item)
        }

        _ = try SQLFederationStore.makeSQLite(.file(path))

        #expect(!manager.fileExists(atPath: oldTemporary))
        #expect(!manager.fileExists(atPath: oldRoundTemporary))
        #expect(!manager.fileExists(atPath: spool + "/r7"), "an old empty round directory goes")
        #expect(manager.fileExists(atPath: freshTemporary), "a write in progress elsewhere is not touched")
        #expect(manager.fileExists(atPath: spool + "/r8"), "a fresh empty round directory stays")
        #expect(manager.fileExists(atPath: spool + "/notes"), "only round directories are swept")
        #expect(try store.updates(inRound: 1).first?.payload == [1, 2, 3], "stored payloads stay")
    }

    @Test func aMissingPayloadFileIsAnErrorNamingIt() throws {
        let fixture = try Fixture()
        let (store, path) = (fixture.store, fixture.path)
        try store.createRound(StoreSamples.round(1))
        _ = try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [1]))
        let name = try #require(spoolFiles(path).first)
        try FileManager.default.removeItem(atPath: path + "-spool/" + name)
        let error = try #require(throws: StoreError.self) { try store.updates(inRound: 1) }
        #expect(error.reason.contains(name))
    }

    @Test func aModelVersionIsASpoolFileReadBackWhole() throws {
        let fixture = try Fixture()
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try fixture.store.withTransaction {
            try $0.insertModelVersion(
                ModelVersionRecord(version: 1, bytes: bytes, checksum: StoreSamples.digest(of: bytes), createdAt: StoreSamples.time(1))
            )
        }
        let models = (FileManager.default.subpaths(atPath: fixture.path + "-spool/models") ?? []).filter { $0.hasSuffix(".safetensors") }
        #expect(models.count == 1)
        let row = try fixture.store.withConnection { try $0.query("SELECT length(bytes), bytes_file FROM models").first }
        #expect(try row?.int64(0) == 0)
        #expect(try row?.optionalString(1) == "models/" + models[0])
        #expect(try fixture.store.withTransaction { try $0.latestModelVersion() }?.bytes == bytes)
        #expect(try fixture.store.withTransaction { try $0.modelVersion(1) }?.bytes == bytes)
        // A newer version still has to be newer; the check does not need the old bytes.
        #expect(throws: StoreError(code: .conflict, reason: "")) {
            try fixture.store.withTransaction {
                try $0.insertModelVersion(
                    ModelVersionRecord(version: 1, bytes: [1], checksum: StoreSamples.digest(of: [1]), createdAt: StoreSamples.time(2))
                )
            }
        }
        _ = try fixture.store.withConnection { try $0.execute("UPDATE models SET bytes_file = \("models/../../../s.db")") }
        #expect(throws: StoreError(code: .invalidInput, reason: "")) { try fixture.store.withTransaction { try $0.modelVersion(1) } }
    }

    @Test(arguments: ["../../../etc/passwd", "/etc/passwd", "r1/../../s.db", "r1", "r1/a/b"])
    func aTamperedRowCannotPointOutsideTheSpool(name: String) throws {
        let fixture = try Fixture()
        let store = fixture.store
        try store.createRound(StoreSamples.round(1))
        _ = try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [1]))
        _ = try store.withConnection { try $0.execute("UPDATE updates SET payload_file = \(name)") }
        #expect(throws: StoreError(code: .invalidInput, reason: "")) { try store.updates(inRound: 1) }
    }
}
