import BacklineCrypto
import BacklineStore
import Foundation

/// Audit appends per second into the store, batched, with a checkpoint row written every second
/// (as the aggregator does), on SQLite (file, WAL, synchronous=FULL) and on PostgreSQL from
/// `BACKLINE_PG_URL` (run under scripts/with-postgres.sh). Goal: ≥ 20 000 appends/s each.
func runStoreBench(_ reporter: BenchReporter) throws {
    let seconds = Double(ProcessInfo.processInfo.environment["BACKLINE_BENCH_SECONDS"] ?? "") ?? 5
    let batch = Int(ProcessInfo.processInfo.environment["BACKLINE_BENCH_BATCH"] ?? "") ?? 500
    let entries = makeBenchAuditEntries(count: 200_000)
    reporter.progress("prepared \(entries.count) audit entries; \(batch) per transaction, \(seconds) s per backend")

    let directory = NSTemporaryDirectory() + "backline-store-bench-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let sqlite = try SQLFederationStore.makeSQLite(.file(directory + "/bench.db"))
    try measureAuditAppends(
        sqlite,
        name: "store_audit_append_sqlite",
        entries: entries,
        batch: batch,
        seconds: seconds,
        reporter: reporter
    )

    guard let server = try PostgresConfiguration.fromEnvironment() else {
        reporter.progress("PostgreSQL NOT MEASURED: BACKLINE_PG_URL is not set (run under scripts/with-postgres.sh)")
        return
    }
    let database = try PostgresScratchDatabase(server: server, prefix: "backline_bench")
    defer { try? database.drop() }
    let postgres = try SQLFederationStore.makePostgres(database.configuration)
    try measureAuditAppends(
        postgres,
        name: "store_audit_append_postgres",
        entries: entries,
        batch: batch,
        seconds: seconds,
        reporter: reporter
    )
}

/// Appends `entries` in batches for about `seconds`, writing a checkpoint row each second, and
/// emits appends per second against the ≥ 20 000 goal.
private func measureAuditAppends(
    _ store: SQLFederationStore,
    name: String,
    entries: [AuditEntryRecord],
    batch: Int,
    seconds: Double,
    reporter: BenchReporter
) throws {
    var appended = 0
    var checkpoints = 0
    let cpuBefore = processCPUSeconds()
    var nextCheckpoint = 1.0
    let elapsed = try measureSeconds {
        let start = DispatchTime.now().uptimeNanoseconds
        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        while now() < seconds && appended + batch <= entries.count {
            try store.appendAuditEntries(Array(entries[appended..<(appended + batch)]))
            appended += batch
            if now() >= nextCheckpoint {
                let note =
                    "backline.example/audit\n\(appended)\n\(Data(entries[appended - 1].leafHash).base64EncodedString())\n\n"
                    + "— backline.example/audit AAAAAA==\n"
                try store.withTransaction {
                    try $0.insertCheckpoint(CheckpointRecord(size: Int64(appended), signedNote: note, createdAt: Date()))
                }
                checkpoints += 1
                nextCheckpoint += 1
            }
        }
    }
    let verified = try store.withTransaction { try $0.auditLogSize() }
    guard verified == Int64(appended) else {
        throw BenchStoreError.mismatch("log holds \(verified) entries, \(appended) appended")
    }
    let cpu = processCPUSeconds() - cpuBefore
    reporter.progress(
        "\(name): \(appended) entries in batches of \(batch), \(checkpoints) checkpoints, "
            + "\(String(format: "%.2f", elapsed)) s wall, \(String(format: "%.2f", cpu)) s CPU in this process "
            + "(machine shared with parallel builds)"
    )
    reporter.emit(name, Double(appended) / elapsed, "appends/s", goal: ">= 20000")
}

/// Canonical-looking audit entries with real RFC 6962 leaf hashes (SHA-256 of 0x00 ‖ entry).
private func makeBenchAuditEntries(count: Int) -> [AuditEntryRecord] {
    let base = Date()
    return (0..<count).map { index in
        let entry = Array(
            #"{"action":"submit_update","actor":"spiffe://backline/promoter/p\#(index % 40)","decision":"allow","index":\#(index),"round":\#(index / 1000 + 1)}"#
                .utf8
        )
        return AuditEntryRecord(
            index: Int64(index),
            entry: entry,
            leafHash: SHA256.hash([0] + entry),
            loggedAt: base,
            actor: "spiffe://backline/promoter/p\(index % 40)",
            action: "submit_update",
            decision: "allow",
            round: Int64(index / 1000 + 1)
        )
    }
}

/// User + system CPU seconds of this process so far.
private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

private enum BenchStoreError: Error { case mismatch(String) }
