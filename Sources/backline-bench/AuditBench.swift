import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklinePolicy
import Foundation

/// `backline-bench audit`: policy decisions per second on one core, `audit verify` over one
/// million entries beside the machine's raw SHA-256 speed, and audit appends per second.
func runAuditBench(_ reporter: BenchReporter) throws {
    try benchPolicyDecisions(reporter)
    try benchAuditVerify(reporter, entries: 1_000_000)
    try benchAuditAppends(reporter)
}

private func benchPolicyDecisions(_ reporter: BenchReporter) throws {
    let policy = try CompiledPolicy(contentsOf: "Policies/federation.policy")
    let requests = PolicyMatrix(policy: policy).cells.map(PolicyMatrix.request(for:))
    let rounds = 3_000
    reporter.progress("policy: \(requests.count * rounds) decisions over the full matrix (\(requests.count) distinct requests)")
    var allowed = 0
    let seconds = measureSeconds {
        for _ in 0..<rounds {
            for request in requests where policy.evaluate(request).allowed { allowed += 1 }
        }
    }
    precondition(allowed == rounds * requests.filter { policy.evaluate($0).allowed }.count)
    reporter.emit("policy_decisions_per_second", Double(requests.count * rounds) / seconds, "decisions/s", goal: ">= 1000000")
    let engine = PolicyEngine(policy: policy)
    var engineAllowed = 0
    let engineSeconds = measureSeconds {
        for _ in 0..<(rounds / 3) {
            for request in requests where engine.evaluate(request).allowed { engineAllowed += 1 }
        }
    }
    reporter.emit(
        "policy_engine_decisions_per_second",
        Double(requests.count * (rounds / 3)) / engineSeconds,
        "decisions/s",
        goal: ">= 1000000"
    )
}

private func benchEntry(_ i: Int) throws -> AuditEntry {
    try AuditEntry(
        time: AuditTime.string(from: Date(timeIntervalSince1970: 1_796_306_752 + Double(i) / 1000)),
        spiffeID: "spiffe://fed/promoter/p\(i % 50)",
        role: "promoter",
        action: i % 3 == 0 ? "submit_update" : "read_model",
        resource: "update:p\(i % 50):r\(i / 5000)",
        round: i / 5000,
        decision: i % 11 == 0 ? .deny : .allow,
        ruleID: i % 11 == 0 ? "D2" : "P1",
        policySHA256: String(repeating: "3f", count: 32),
        requestDigest: String(repeating: "a7", count: 32),
        outcome: "ok"
    )
}

private func benchAuditVerify(_ reporter: BenchReporter, entries count: Int) throws {
    reporter.progress("verify: building a log of \(count) entries (not timed)")
    let entries = try (0..<count).map(benchEntry)
    let leafSize = entries[0].canonicalBytes.count
    let storage = InMemoryAuditStorage()
    let signer = try NoteSigner(name: "bench.example/audit", privateKey: Ed25519.PrivateKey())
    let log = try AuditLog(
        storage: storage,
        signer: signer,
        origin: signer.name,
        configuration: .init(checkpointEvery: count + 1, checkpointInterval: .seconds(3600))
    )
    try log.append(contentsOf: entries)
    try log.checkpoint()

    // Raw SHA-256 over as many leaf-sized buffers, for comparison.
    let buffers = entries.prefix(1).map(\.canonicalBytes)[0]
    var sink: UInt8 = 0
    let shaSeconds = measureSeconds {
        var buffer = buffers
        for i in 0..<count {
            buffer[0] = UInt8(truncatingIfNeeded: i)
            sink ^= SHA256.hash(buffer)[0]
        }
    }
    reporter.emit("sha256_1m_leaf_buffers_seconds", shaSeconds, "s (\(leafSize)-byte buffers, sink \(sink))")

    let verifier = AuditVerifier(origin: signer.name, keys: [signer.verifierKey])
    var first: AuditVerificationReport?
    let verifySeconds = measureSeconds { first = verifier.verify(storage: storage, saved: nil) }
    let report = try require(first)
    precondition(report.ok, "\(report.problems)")
    reporter.emit("audit_verify_1m_in_memory_seconds", verifySeconds, "s", goal: "<= 3")

    let saved = try require(report.updatedState)
    var second: AuditVerificationReport?
    let incrementalSeconds = measureSeconds { second = verifier.verify(storage: storage, saved: saved) }
    let secondReport = try require(second)
    precondition(secondReport.ok)
    reporter.emit("audit_verify_1m_in_memory_with_saved_state_seconds", incrementalSeconds, "s", goal: "<= 3")

    // The CLI's path: the file-backed log (read, parse canonical lines, hash, tree).
    let directory = NSTemporaryDirectory() + "backline-bench-audit-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/audit.log"
    let file = try FileAuditStorage(path: path)
    var start = 0
    while start < count {
        _ = try file.append(Array(entries[start..<min(count, start + 100_000)]))
        start += 100_000
    }
    try file.saveCheckpoint(try require(try storage.latestCheckpoint()), size: count)
    var fileReport: AuditVerificationReport?
    let fileSeconds = try measureSeconds {
        fileReport = verifier.verify(storage: try FileAuditStorage(path: path, readOnly: true), saved: nil)
    }
    let fileOutcome = try require(fileReport)
    precondition(fileOutcome.ok, "\(fileOutcome.problems)")
    reporter.emit("audit_verify_1m_file_seconds", fileSeconds, "s", goal: "<= 3")
}

private func benchAuditAppends(_ reporter: BenchReporter) throws {
    let signer = try NoteSigner(name: "bench.example/audit", privateKey: Ed25519.PrivateKey())
    let entries = try (0..<200_000).map(benchEntry)
    let memory = try AuditLog(storage: InMemoryAuditStorage(), signer: signer, origin: signer.name)
    let memorySeconds = try measureSeconds { for entry in entries { try memory.append(entry) } }
    reporter.emit("audit_append_in_memory_per_second", Double(entries.count) / memorySeconds, "entries/s (checkpoint every 256)")

    let directory = NSTemporaryDirectory() + "backline-bench-append-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let single = try AuditLog(storage: try FileAuditStorage(path: directory + "/single.log"), signer: signer, origin: signer.name)
    let singleCount = 2_000
    let singleSeconds = try measureSeconds { for entry in entries.prefix(singleCount) { try single.append(entry) } }
    reporter.emit("audit_append_file_fsync_each_per_second", Double(singleCount) / singleSeconds, "entries/s (one fsync per entry)")
    let batched = try AuditLog(storage: try FileAuditStorage(path: directory + "/batched.log"), signer: signer, origin: signer.name)
    let batchSeconds = try measureSeconds {
        var index = 0
        while index < entries.count {
            try batched.append(contentsOf: Array(entries[index..<min(entries.count, index + 100)]))
            index += 100
        }
    }
    reporter.emit("audit_append_file_batch100_per_second", Double(entries.count) / batchSeconds, "entries/s (one fsync per 100)")
    let grouped = try AuditLog(storage: try FileAuditStorage(path: directory + "/grouped.log"), signer: signer, origin: signer.name)
    let threads = 16
    let perThread = 250
    let groupSeconds = measureSeconds {
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            for i in 0..<perThread { _ = try? grouped.append(entries[worker * perThread + i]) }
        }
    }
    precondition(grouped.size == threads * perThread)
    reporter.emit(
        "audit_append_file_16_concurrent_callers_per_second",
        Double(threads * perThread) / groupSeconds,
        "entries/s (group commit, single-entry appends)"
    )
}

/// Unwraps or fails the benchmark.
private func `require`<T>(_ value: T?) throws -> T {
    guard let value else { throw CocoaError(.coderValueNotFound) }
    return value
}
