import BacklineCore
import Foundation
import Synchronization
import Testing

@testable import BacklineStore

/// One contract, every backend: in-memory, SQLite in memory, SQLite file, PostgreSQL.
@Suite struct FederationStoreContractTests {
    @Test(arguments: StoreBackend.available)
    func roundsFollowTheStateMachine(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            let created = StoreSamples.round(1)
            try store.createRound(created)
            #expect(try store.round(1) == created)
            #expect(try store.round(2) == nil)
            #expect(throws: StoreError(code: .conflict, reason: "")) { try store.createRound(created) }
            #expect(throws: StoreError(code: .invalidTransition, reason: "")) {
                try store.transitionRound(1, to: .published, at: StoreSamples.time(5))
            }
            let collecting = try store.transitionRound(1, to: .collecting, at: StoreSamples.time(5))
            #expect(collecting.state == .collecting && collecting.updatedAt == StoreSamples.time(5))
            _ = try store.transitionRound(1, to: .aggregating, at: StoreSamples.time(6))
            _ = try store.transitionRound(1, to: .published, at: StoreSamples.time(7))
            #expect(throws: StoreError(code: .invalidTransition, reason: "")) {
                try store.transitionRound(1, to: .failed, at: StoreSamples.time(8))
            }
            #expect(throws: StoreError(code: .notFound, reason: "")) {
                try store.transitionRound(9, to: .failed, at: StoreSamples.time(8))
            }
            try store.createRound(StoreSamples.round(2))
            let listed = try store.withTransaction { try $0.rounds(in: [.published]) }
            #expect(listed.map(\.id) == [1])
            #expect(try store.withTransaction { try $0.rounds(in: nil) }.map(\.id) == [1, 2])
        }
    }

    /// SECURITY-TESTS 54: the same update again → the same receipt; different bytes → rejected.
    @Test(arguments: StoreBackend.available)
    func resubmittingIdenticalBytesReturnsTheSameReceipt(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            try store.createRound(StoreSamples.round(1))
            let submission = StoreSamples.submission(round: 1, promoter: "p1", payload: [1, 2, 3, 4])
            let first = try store.submitUpdate(submission)
            let again = try store.submitUpdate(submission)
            #expect(first == again)
            #expect(first.digest == submission.digest)
            let stored = try store.updates(inRound: 1)
            #expect(stored.count == 1)
            #expect(stored.first?.payload == [1, 2, 3, 4])
            #expect(stored.first?.status == .accepted)
            #expect(try store.round(1)?.state == .collecting)

            let altered = StoreSamples.submission(round: 1, promoter: "p1", payload: [1, 2, 3, 5])
            #expect(throws: StoreError(code: .conflict, reason: "")) { try store.submitUpdate(altered) }
            #expect(try store.updates(inRound: 1).first?.payload == [1, 2, 3, 4])
            // An empty payload is stored as empty bytes, not NULL.
            let empty = StoreSamples.submission(round: 1, promoter: "p2", payload: [])
            _ = try store.submitUpdate(empty)
            #expect(try store.updates(inRound: 1).map(\.payload) == [[1, 2, 3, 4], []])
        }
    }

    @Test(arguments: StoreBackend.available)
    func closedOrLateRoundsRefuseNewUpdates(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            try store.createRound(StoreSamples.round(1, deadlineSeconds: 60))
            let early = StoreSamples.submission(round: 1, promoter: "p1", payload: [9])
            let receipt = try store.submitUpdate(early)
            let late = StoreSamples.submission(round: 1, promoter: "p2", payload: [8], at: 61)
            #expect(throws: StoreError(code: .roundClosed, reason: "")) { try store.submitUpdate(late) }
            #expect(try store.claimRoundForAggregation(1))
            let afterClose = StoreSamples.submission(round: 1, promoter: "p3", payload: [7])
            #expect(throws: StoreError(code: .roundClosed, reason: "")) { try store.submitUpdate(afterClose) }
            // The acknowledged update stays retrievable by its idempotent resubmission.
            #expect(try store.submitUpdate(early) == receipt)
            #expect(throws: StoreError(code: .notFound, reason: "")) {
                try store.submitUpdate(StoreSamples.submission(round: 42, promoter: "p1", payload: [1]))
            }
            #expect(try store.updates(inRound: 1).map(\.promoterID) == ["p1"])
        }
    }

    /// Two writers (two connections, or two processes' worth of handles) race to claim each round:
    /// exactly one wins every time.
    @Test(arguments: StoreBackend.shared)
    func exactlyOneOfTwoWritersClaimsARound(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let writers = [fixture.primary, try fixture.openAnother()]
            let rounds: [Int64] = Array(1...12)
            for id in rounds { try writers[0].createRound(StoreSamples.round(id)) }
            let wins = Mutex<[Int64: Int]>([:])
            let failures = Mutex<[String]>([])
            for id in rounds {
                DispatchQueue.concurrentPerform(iterations: writers.count) { writer in
                    do {
                        if try writers[writer].claimRoundForAggregation(id) { wins.withLock { table in table[id, default: 0] += 1 } }
                    } catch {
                        failures.withLock { $0.append(String(describing: error)) }
                    }
                }
            }
            #expect(failures.withLock { $0 } == [])
            #expect(wins.withLock { $0 } == Dictionary(uniqueKeysWithValues: rounds.map { ($0, 1) }))
            #expect(try writers[1].round(3)?.state == .aggregating)
            #expect(try writers[0].claimRoundForAggregation(3) == false)
        }
    }

    /// Two writers submit interleaved updates (some identical resubmissions) to one round: every
    /// update is stored once, and every receipt matches the stored row.
    @Test(arguments: StoreBackend.shared)
    func concurrentWritersStoreEachUpdateOnce(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let writers = [fixture.primary, try fixture.openAnother()]
            try writers[0].createRound(StoreSamples.round(1))
            let receipts = Mutex<[String: Set<String>]>([:])
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { writer in
                for index in 0..<20 {
                    // Both writers send promoters 0..<20; the same promoter always sends the same bytes.
                    let promoter = "p\(index)"
                    let submission = StoreSamples.submission(round: 1, promoter: promoter, payload: [UInt8(index), 7])
                    do {
                        let receipt = try writers[writer].submitUpdate(submission)
                        receipts.withLock { table in _ = table[promoter, default: []].insert(receipt.receiptID) }
                    } catch {
                        failures.withLock { $0.append(String(describing: error)) }
                    }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let stored = try writers[1].updates(inRound: 1)
            #expect(stored.count == 20)
            let byPromoter = receipts.withLock { $0 }
            for update in stored { #expect(byPromoter[update.promoterID] == [update.receiptID]) }
        }
    }

    /// Two writers each append 15 entries, one per transaction, at the size they read: the log
    /// ends up with all 30, indices contiguous, nobody refused.
    @Test(arguments: StoreBackend.shared)
    func concurrentAuditAppendsNeverCollide(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let writers = [fixture.primary, try fixture.openAnother()]
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { writer in
                for _ in 0..<15 {
                    do {
                        try writers[writer].withTransaction { transaction in
                            let next = try transaction.auditLogSize()
                            try transaction.appendAuditEntries([StoreSamples.auditEntry(next, actor: "writer\(writer)")])
                        }
                    } catch {
                        failures.withLock { $0.append(String(describing: error)) }
                    }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let log = try writers[0].auditEntries()
            #expect(log.map(\.index) == Array(0..<30))
            #expect(log.filter { $0.actor == "writer0" }.count == 15)
        }
    }

    /// "Store durably, then acknowledge" with its audit entry: if the audit insert fails, the
    /// update is not stored either (SECURITY-TESTS 47, store side).
    @Test(arguments: StoreBackend.available)
    func anUpdateAndItsAuditEntryCommitTogether(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            try store.createRound(StoreSamples.round(1))
            #expect(throws: StoreError(code: .invalidInput, reason: "")) {
                try store.withTransaction { transaction in
                    _ = try transaction.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [1]))
                    try transaction.appendAuditEntries([StoreSamples.auditEntry(7)])
                }
            }
            #expect(try store.updates(inRound: 1).isEmpty)
            #expect(try store.round(1)?.state == .open)
            let receipt = try store.withTransaction { transaction in
                let receipt = try transaction.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [1]))
                try transaction.appendAuditEntries([StoreSamples.auditEntry(try transaction.auditLogSize())])
                return receipt
            }
            #expect(try store.updates(inRound: 1).map(\.receipt) == [receipt])
            #expect(try store.auditEntries().count == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aThrowingTransactionLeavesNoTrace(backend: StoreBackend) throws {
        struct Abort: Error {}
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            #expect(throws: Abort.self) {
                try store.withTransaction { transaction in
                    try transaction.createRound(StoreSamples.round(1))
                    try transaction.appendAuditEntries([StoreSamples.auditEntry(0)])
                    throw Abort()
                }
            }
            #expect(try store.round(1) == nil)
            #expect(try store.withTransaction { try $0.auditLogSize() } == 0)
            // A failure inside the store (bad input) also rolls back the earlier writes.
            #expect(throws: StoreError(code: .invalidInput, reason: "")) {
                try store.withTransaction { transaction in
                    try transaction.createRound(StoreSamples.round(1))
                    try transaction.appendAuditEntries([StoreSamples.auditEntry(5)])
                }
            }
            #expect(try store.round(1) == nil)
        }
    }

    /// Everything a transaction can change, to compare before and after a rollback.
    private struct Snapshot: Equatable {
        var rounds: [RoundRecord], updates: [UpdateRecord], ledger: [LedgerEntryRecord], identity: IdentityRecord?
        var revocations: [RevocationRecord], model: ModelVersionRecord?, audit: [AuditEntryRecord]
        var checkpoint: CheckpointRecord?

        init(_ store: any FederationStore) throws {
            (rounds, updates, ledger, identity, revocations, model, audit, checkpoint) = try store.withTransaction {
                (
                    try $0.rounds(in: nil), try $0.updates(inRound: 1), try $0.ledgerEntries(promoterID: nil),
                    try $0.identity(serial: "01"), try $0.revocations(), try $0.latestModelVersion(),
                    try $0.auditEntries(AuditFilter()), try $0.latestCheckpoint()
                )
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func aRollbackUndoesEveryKindOfChange(backend: StoreBackend) throws {
        struct Abort: Error {}
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            try store.createRound(StoreSamples.round(1))
            _ = try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [1]))
            try store.appendAuditEntries([StoreSamples.auditEntry(0)])
            let before = try Snapshot(store)
            #expect(throws: Abort.self) {
                try store.withTransaction { transaction in
                    _ = try transaction.submitUpdate(StoreSamples.submission(round: 1, promoter: "p2", payload: [2]))
                    try transaction.setUpdateStatus(round: 1, promoterID: "p1", to: .rejected)
                    #expect(try transaction.claimRoundForAggregation(1, claimToken: "t", at: StoreSamples.time(20)))
                    try transaction.createRound(StoreSamples.round(2))
                    _ = try transaction.appendLedgerEntry(
                        LedgerEntryRecord(
                            promoterID: "p1",
                            round: 1,
                            mechanism: "gaussian",
                            parametersJSON: "{}",
                            epsilon: 1,
                            delta: 0,
                            recordedAt: StoreSamples.time(1)
                        )
                    )
                    try transaction.registerIdentity(
                        IdentityRecord(
                            serial: "01",
                            spiffeID: "spiffe://x",
                            role: "promoter",
                            registeredAt: StoreSamples.time(1)
                        )
                    )
                    try transaction.revoke(RevocationRecord(serial: "01", spiffeID: "spiffe://x", revokedAt: StoreSamples.time(2)))
                    try transaction.insertModelVersion(
                        ModelVersionRecord(
                            version: 1,
                            bytes: [1],
                            checksum: StoreSamples.digest(of: [1]),
                            createdAt: StoreSamples.time(1)
                        )
                    )
                    try transaction.appendAuditEntries([StoreSamples.auditEntry(1)])
                    try transaction.insertCheckpoint(CheckpointRecord(size: 2, signedNote: "n", createdAt: StoreSamples.time(2)))
                    throw Abort()
                }
            }
            #expect(try Snapshot(store) == before)
        }
    }

    @Test(arguments: StoreBackend.available)
    func modelVersionsIncreaseAndRoundTrip(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            try store.createRound(StoreSamples.round(1))
            let inline = ModelVersionRecord(
                version: 1,
                bytes: [0, 1, 2, 255],
                checksum: StoreSamples.digest(of: [1]),
                createdAt: StoreSamples.time(1)
            )
            let onDisk = ModelVersionRecord(
                version: 2,
                path: "/var/lib/backline/models/2.safetensors",
                checksum: StoreSamples.digest(of: [2]),
                round: 1,
                createdAt: StoreSamples.time(2)
            )
            try store.withTransaction { try $0.insertModelVersion(inline) }
            try store.withTransaction { try $0.insertModelVersion(onDisk) }
            #expect(try store.withTransaction { try $0.latestModelVersion() } == onDisk)
            #expect(try store.withTransaction { try $0.modelVersion(1) } == inline)
            let stale = ModelVersionRecord(
                version: 2,
                bytes: [1],
                checksum: StoreSamples.digest(of: [3]),
                createdAt: StoreSamples.time(3)
            )
            #expect(throws: StoreError(code: .conflict, reason: "")) { try store.withTransaction { try $0.insertModelVersion(stale) } }
            let neither = ModelVersionRecord(version: 3, checksum: StoreSamples.digest(of: [3]), createdAt: StoreSamples.time(3))
            #expect(throws: StoreError(code: .invalidInput, reason: "")) {
                try store.withTransaction { try $0.insertModelVersion(neither) }
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func ledgerEntriesAreKeptPerPromoter(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            let first = try store.withTransaction {
                try $0.appendLedgerEntry(
                    LedgerEntryRecord(
                        promoterID: "p1",
                        round: 1,
                        mechanism: "gaussian",
                        parametersJSON: #"{"sigma":1.1}"#,
                        epsilon: 0.25,
                        delta: 1e-6,
                        recordedAt: StoreSamples.time(1)
                    )
                )
            }
            let second = try store.withTransaction {
                try $0.appendLedgerEntry(
                    LedgerEntryRecord(
                        promoterID: "p2",
                        query: "attendance_by_age",
                        mechanism: "laplace",
                        parametersJSON: "{}",
                        epsilon: 0.5,
                        delta: 0,
                        recordedAt: StoreSamples.time(2)
                    )
                )
            }
            #expect(second.id > first.id)
            #expect(try store.withTransaction { try $0.ledgerEntries(promoterID: "p1") } == [first])
            #expect(try store.withTransaction { try $0.ledgerEntries(promoterID: nil) } == [first, second])
            for epsilon in [Double.nan, .infinity, -0.1] {
                #expect(throws: StoreError(code: .invalidInput, reason: "")) {
                    try store.withTransaction {
                        try $0.appendLedgerEntry(
                            LedgerEntryRecord(
                                promoterID: "p1",
                                round: 2,
                                mechanism: "gaussian",
                                parametersJSON: "{}",
                                epsilon: epsilon,
                                delta: 0,
                                recordedAt: StoreSamples.time(3)
                            )
                        )
                    }
                }
            }
            #expect(try store.withTransaction { try $0.ledgerEntries(promoterID: nil) }.count == 2)
        }
    }

    @Test(arguments: StoreBackend.available)
    func auditEntriesAppendWithoutGapsAndFilter(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            // More than one multi-row INSERT batch.
            let entries: [AuditEntryRecord] = (0..<150).map { (index: Int) -> AuditEntryRecord in
                let actor = index % 3 == 0 ? "auditor" : "p1"
                let action = index % 2 == 0 ? "read_model" : "submit_update"
                return StoreSamples.auditEntry(Int64(index), actor: actor, action: action, round: Int64(index / 50 + 1))
            }
            try store.appendAuditEntries(Array(entries[0..<100]))
            try store.appendAuditEntries(Array(entries[100...]))
            #expect(try store.auditEntries() == entries)
            #expect(throws: StoreError(code: .invalidInput, reason: "")) {
                try store.appendAuditEntries([StoreSamples.auditEntry(151)])
            }
            #expect(throws: StoreError(code: .invalidInput, reason: "")) {
                try store.appendAuditEntries([StoreSamples.auditEntry(149)])
            }
            let filter = AuditFilter(fromIndex: 10, toIndex: 100, actor: "auditor", action: "read_model", round: 2)
            let expected = entries.filter(filter.matches)
            #expect(!expected.isEmpty)
            #expect(try store.auditEntries(filter) == expected)
            #expect(try store.auditEntries(AuditFilter(since: StoreSamples.time(140))) == Array(entries[140...]))
            #expect(try store.auditEntries(AuditFilter(limit: 3)) == Array(entries[0..<3]))
        }
    }

    @Test(arguments: StoreBackend.available)
    func checkpointsCannotOutrunTheLog(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            try store.appendAuditEntries((0..<4).map { StoreSamples.auditEntry($0) })
            let note = "example.org/fl-audit\n4\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n— example.org/fl-audit AAAA\n"
            let checkpoint = CheckpointRecord(size: 4, signedNote: note, createdAt: StoreSamples.time(4))
            try store.withTransaction { try $0.insertCheckpoint(checkpoint) }
            try store.withTransaction { try $0.insertCheckpoint(checkpoint) }
            #expect(try store.withTransaction { try $0.latestCheckpoint() } == checkpoint)
            let ahead = CheckpointRecord(size: 5, signedNote: note, createdAt: StoreSamples.time(5))
            #expect(throws: StoreError(code: .invalidInput, reason: "")) { try store.withTransaction { try $0.insertCheckpoint(ahead) } }
            let forked = CheckpointRecord(size: 4, signedNote: note + "x", createdAt: StoreSamples.time(5))
            #expect(throws: StoreError(code: .conflict, reason: "")) { try store.withTransaction { try $0.insertCheckpoint(forked) } }
        }
    }

    @Test(arguments: StoreBackend.available)
    func identitiesAndRevocationsRoundTrip(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            let identity = IdentityRecord(
                serial: "0a1b",
                spiffeID: "spiffe://backline/promoter/p1",
                role: "promoter",
                registeredAt: StoreSamples.time(1)
            )
            try store.withTransaction { try $0.registerIdentity(identity) }
            try store.withTransaction { try $0.registerIdentity(identity) }
            #expect(try store.withTransaction { try $0.identity(serial: "0a1b") } == identity)
            var impostor = identity
            impostor.role = "operator"
            #expect(throws: StoreError(code: .conflict, reason: "")) { try store.withTransaction { try $0.registerIdentity(impostor) } }
            let revocation = RevocationRecord(
                serial: "0a1b",
                spiffeID: identity.spiffeID,
                revokedAt: StoreSamples.time(9),
                reason: "key compromise"
            )
            try store.withTransaction { try $0.revoke(revocation) }
            try store.withTransaction { try $0.revoke(revocation) }
            #expect(try store.withTransaction { try $0.revocation(serial: "0a1b") } == revocation)
            #expect(try store.withTransaction { try $0.revocation(serial: "ffff") } == nil)
            #expect(try store.withTransaction { try $0.revocations() } == [revocation])
        }
    }

    static let invalidSubmissions: [(String, @Sendable (inout UpdateSubmission) -> Void)] = [
        ("NaN norm", { $0.norm = .nan }),
        ("infinite norm", { $0.norm = .infinity }),
        ("negative norm", { $0.norm = -1 }),
        ("short digest", { $0.digest = Array($0.digest.prefix(31)) }),
        ("negative count", { $0.sampleCount = -5 }),
        ("empty promoter", { $0.promoterID = "" }),
        ("NUL in promoter", { $0.promoterID = "p\u{0}1" }),
        ("huge promoter", { $0.promoterID = String(repeating: "x", count: 2000) }),
        ("round zero", { $0.round = 0 }),
    ]

    @Test(arguments: StoreBackend.available)
    func invalidInputIsRefusedBeforeAnythingIsWritten(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            try store.createRound(StoreSamples.round(1))
            for (name, corrupt) in Self.invalidSubmissions {
                var submission = StoreSamples.submission(round: 1, promoter: "p1", payload: [1])
                corrupt(&submission)
                #expect(throws: StoreError(code: .invalidInput, reason: ""), "\(name)") { try store.submitUpdate(submission) }
            }
            #expect(try store.updates(inRound: 1).isEmpty)
            var badJSON = StoreSamples.round(2)
            badJSON.parametersJSON = "{not json"
            #expect(throws: StoreError(code: .invalidInput, reason: "")) { try store.createRound(badJSON) }
            #expect(try store.round(2) == nil)
        }
    }

    /// Values that look like SQL are bound, so they are stored verbatim and change nothing else.
    @Test(arguments: StoreBackend.available)
    func valuesThatLookLikeSQLAreStoredVerbatim(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = fixture.primary
            try store.createRound(StoreSamples.round(1))
            let hostile = "p1'); DELETE FROM updates; DROP TABLE rounds; --"
            _ = try store.submitUpdate(StoreSamples.submission(round: 1, promoter: "p0", payload: [0]))
            _ = try store.submitUpdate(StoreSamples.submission(round: 1, promoter: hostile, payload: [1]))
            #expect(try store.updates(inRound: 1).map(\.promoterID).sorted() == ["p0", hostile].sorted())
            #expect(try store.round(1) != nil)
            #expect(try store.auditEntries(AuditFilter(actor: "x' OR '1'='1")).isEmpty)
        }
    }
}
