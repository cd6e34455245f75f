import BacklineAudit
import BacklineCore
import BacklineCrypto
import Foundation

/// Builders shared by the audit tests.
enum AuditFixtures {
    static let origin = "example.org/fl-audit"
    static let policyHash = String(repeating: "ab", count: 32)

    /// Entry number `i`: actors p0…p3 cycle, actions alternate, one round per 10 entries.
    static func entry(_ i: Int, action: String? = nil) throws -> AuditEntry {
        let actions = ["submit_update", "read_model", "read_round"]
        let day = 1 + i / 50
        return try AuditEntry(
            time: String(format: "2026-12-%02dT10:%02d:%02d.000Z", min(day, 28), (i / 60) % 60, i % 60),
            spiffeID: "spiffe://fed/promoter/p\(i % 4)",
            role: "promoter",
            action: action ?? actions[i % 3],
            resource: "update:p\(i % 4):r\(i / 10)",
            round: i / 10,
            decision: i % 7 == 0 ? .deny : .allow,
            ruleID: i % 7 == 0 ? "default" : "P1",
            policySHA256: policyHash,
            requestDigest: "",
            outcome: "ok"
        )
    }

    static func signer() throws -> NoteSigner { try NoteSigner(name: origin, privateKey: Ed25519.PrivateKey()) }

    /// A log of `count` entries in `storage`, checkpointed at the end.
    @discardableResult
    static func fill(_ storage: any AuditLogStorage, count: Int, signer: NoteSigner, start: Int = 0) throws -> AuditLog {
        let log = try AuditLog(
            storage: storage,
            signer: signer,
            origin: origin,
            configuration: .init(checkpointEvery: 1_000_000, checkpointInterval: .seconds(3600))
        )
        if count > 0 { try log.append(contentsOf: (start..<(start + count)).map { try entry($0) }) }
        try log.checkpoint()
        return log
    }
}

/// A storage an attacker controls: it can rewrite or drop entries and replace checkpoints.
final class TamperableStorage: AuditLogStorage, @unchecked Sendable {
    // @unchecked: tests use it from one task at a time.
    var entries: [AuditEntry] = []
    var checkpoints: [String] = []
    var failAppends = false

    func append(_ new: [AuditEntry]) throws -> Int {
        if failAppends { throw AuditError.storageFailure("database down (simulated)") }
        entries += new
        return entries.count - new.count
    }
    func entries(from: Int, to: Int) throws -> [AuditEntry] {
        guard from >= 0, from <= to, to <= entries.count else { throw AuditError.outOfRange("\(from)..<\(to)") }
        return Array(entries[from..<to])
    }
    func count() throws -> Int { entries.count }
    func saveCheckpoint(_ signedNote: String, size: Int) throws { checkpoints.append(signedNote) }
    func latestCheckpoint() throws -> String? { checkpoints.last }
}
