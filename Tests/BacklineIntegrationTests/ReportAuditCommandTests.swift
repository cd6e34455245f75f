import BacklineAggregator
import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklineStore
import BacklineTestSupport
import Foundation
import Testing

/// `backline report audit` through the built binary, over a signed file-backed log.
@Suite struct ReportAuditCommandTests {
    /// A signed log of `count` entries by three roles, a ledger for two promoters, and the chart marks
    /// the report must draw for them.
    struct Fixture {
        static let origin = "example.org/report-audit"
        let directory: TemporaryDirectory
        let log: String
        let key: String
        let ledger: String
        let entries: [AuditEntry]

        init(count: Int = 30) throws {
            directory = try TemporaryDirectory(prefix: "backline-report-audit")
            log = directory.file("audit.log")
            key = directory.file("log.vkey")
            ledger = directory.file("ledger.json")
            let roles = ["promoter", "promoter", "aggregator", "auditor"]
            let actions = ["submit_update", "read_model", "read_round", "read_update"]
            entries = try (0..<count).map { i in
                let role = roles[i % roles.count]
                let action = role == "auditor" ? "read_update" : actions[i % 3]
                let denied = role == "auditor" || i % 9 == 0
                return try AuditEntry(
                    time: String(format: "2026-12-03T%02d:%02d:00.000Z", 10 + i / 12, (i * 5) % 60),
                    spiffeID: "spiffe://fed/\(role)/x\(i % 2)",
                    role: role,
                    action: action,
                    resource: "round:\(i / 10)",
                    round: i / 10,
                    decision: denied ? .deny : .allow,
                    ruleID: denied ? "D1" : "P1",
                    policySHA256: String(repeating: "cd", count: 32),
                    outcome: denied ? "denied" : "ok"
                )
            }
            let signer = try NoteSigner(name: Self.origin, privateKey: Ed25519.PrivateKey())
            let auditLog = try AuditLog(
                storage: try FileAuditStorage(path: log),
                signer: signer,
                origin: Self.origin,
                configuration: .init(checkpointEvery: 1_000_000, checkpointInterval: .seconds(3600))
            )
            _ = try auditLog.append(contentsOf: entries)
            _ = try auditLog.checkpoint()
            try (signer.verifierKey.text + "\n").write(toFile: key, atomically: true, encoding: .utf8)
            let lines: [[String: Any]] = (0..<6).map { i in
                [
                    "id": i + 1, "promoter": i % 2 == 0 ? "p1" : "p2", "round": i / 2 + 1, "query": NSNull(), "mechanism": "gaussian",
                    "parameters": "{\"clip_norm\":1,\"noise_multiplier\":\(i % 2 == 0 ? 1.1 : 3.0),\"sampling_rate\":1,\"steps\":1}",
                    "epsilon": 2.0, "delta": 1e-5, "recorded_at": "2026-12-03T12:00:0\(i)Z",
                ]
            }
            try JSONSerialization.data(withJSONObject: lines).write(to: URL(fileURLWithPath: ledger))
        }

        /// Marks: a segment per (minute, role) and per (minute, action) of denials, two bars per action,
        /// a bar per promoter.
        var expectedMarks: Int {
            let minutes = Set(entries.map { "\($0.time.prefix(16)) \($0.role)" }).count
            let denials = Set(entries.filter { $0.decision == .deny }.map { "\($0.time.prefix(16)) \($0.action)" }).count
            return minutes + denials + 2 * Set(entries.map(\.action)).count + 2
        }
        var denied: Int { entries.filter { $0.decision == .deny }.count }

        func run(_ extra: [String] = []) throws -> BuiltBinary.Result {
            try BuiltBinary.run(
                [
                    "report", "audit", "--log", log, "--key", key, "--ledger", ledger, "--budget", "1.5",
                    "--out", directory.file("audit.html"), "--json",
                ] + extra
            )
        }
    }

    @Test func reportsVerificationRequestsAndSpending() throws {
        let fixture = try Fixture()
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
        let details = report["details"] as? [String: Int] ?? [:]
        #expect(details["entries"] == fixture.entries.count)
        #expect(details["denied"] == fixture.denied)
        #expect(details["verified"] == 1)
        #expect(details["promoters"] == 2)
        #expect(report["charts"] as? Int == 4)
        #expect(report["marks"] as? Int == fixture.expectedMarks)
        let html = try String(contentsOfFile: fixture.directory.file("audit.html"), encoding: .utf8)
        #expect(html.contains("data-status=\"verified\""))
        #expect(html.contains("Rényi DP"), "ledger lines with readable parameters are composed by RDP")
        // p1: three releases at σ = 1.1 compose to far more than the 1.5 budget.
        #expect(html.contains("Over budget: p1"))
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"))
    }

    @Test func aTamperedLogIsReportedAsFailedWithExitStatusOne() throws {
        let fixture = try Fixture()
        let state = fixture.directory.file("auditor.state")
        let saved = try BuiltBinary.run(["audit", "verify", "--log", fixture.log, "--key", fixture.key, "--state", state])
        #expect(saved.status == 0, "\(saved.standardError)")
        let stateBytes = try Data(contentsOf: URL(fileURLWithPath: state))
        var lines = try String(contentsOfFile: fixture.log, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[7] = lines[7].replacingOccurrences(of: "\"decision\":\"deny\"", with: "\"decision\":\"allow\"")
            .replacingOccurrences(of: "\"outcome\":\"ok\"", with: "\"outcome\":\"rejected\"")
        try (lines.joined(separator: "\n") + "\n").write(toFile: fixture.log, atomically: true, encoding: .utf8)
        let result = try fixture.run(["--state", state])
        #expect(result.status == 1)
        let html = try String(contentsOfFile: fixture.directory.file("audit.html"), encoding: .utf8)
        #expect(html.contains("data-status=\"failed\""))
        #expect(html.contains("<td>first bad entry</td><td>7</td>"), "the saved checkpoint's leaves name the edited entry")
        #expect(html.contains("root mismatch"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: state)) == stateBytes, "the report never updates the auditor's state")
    }

    @Test func aLedgerWithAnUnknownFieldIsRefused() throws {
        let fixture = try Fixture(count: 5)
        try
            "[{\"id\":1,\"promoter\":\"p1\",\"mechanism\":\"gaussian\",\"parameters\":\"{}\",\"epsilon\":1,\"delta\":0,\"recorded_at\":\"x\",\"payload\":\"AAAA\"}]"
            .write(toFile: fixture.ledger, atomically: true, encoding: .utf8)
        let result = try fixture.run()
        #expect(result.status == 1)
        #expect(result.standardError.contains("[0].payload"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file("audit.html")))
    }

    @Test func aForeignKeyFailsVerification() throws {
        let fixture = try Fixture(count: 5)
        let other = try NoteSigner(name: Fixture.origin, privateKey: Ed25519.PrivateKey())
        try other.verifierKey.text.write(toFile: fixture.key, atomically: true, encoding: .utf8)
        let result = try fixture.run()
        #expect(result.status == 1)
        let html = try String(contentsOfFile: fixture.directory.file("audit.html"), encoding: .utf8)
        #expect(html.contains("data-status=\"failed\""))
    }

    @Test func theAggregatorsSQLiteStoreGivesTheLogAndTheLedger() throws {
        let directory = try TemporaryDirectory(prefix: "backline-report-store")
        let path = directory.file("aggregator.db")
        let signer = try NoteSigner(name: Fixture.origin, privateKey: Ed25519.PrivateKey())
        do {
            let store = try SQLFederationStore.makeSQLite(.file(path))
            let log = try AuditLog(storage: StoreAuditStorage(store: store), signer: signer, origin: Fixture.origin)
            for index in 0..<12 {
                _ = try log.append(
                    AuditEntry(
                        spiffeID: "spiffe://fed.test/promoter/p\(index % 3)",
                        role: "promoter",
                        action: "submit_update",
                        resource: "update:p\(index % 3):r1",
                        round: 1,
                        decision: index == 5 ? .deny : .allow,
                        ruleID: "P1",
                        policySHA256: String(repeating: "a", count: 64),
                        outcome: "accepted"
                    )
                )
            }
            _ = try log.checkpoint()
            try store.withTransaction { transaction in
                for promoter in ["p0", "p1", "p2"] {
                    _ = try transaction.appendLedgerEntry(
                        LedgerEntryRecord(
                            promoterID: promoter,
                            round: 1,
                            mechanism: "gaussian",
                            parametersJSON: "{\"clip_norm\":1,\"noise_multiplier\":2,\"sampling_rate\":1,\"steps\":1}",
                            epsilon: 2.3,
                            delta: 1e-5,
                            recordedAt: Date()
                        )
                    )
                }
            }
        }
        try signer.verifierKey.text.write(toFile: directory.file("log.vkey"), atomically: true, encoding: .utf8)
        let out = directory.file("audit.html")
        let result = try BuiltBinary.run(["report", "audit", "--sqlite", path, "--key", directory.file("log.vkey"), "--out", out, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
        let details = report["details"] as? [String: Int] ?? [:]
        #expect(details["entries"] == 12 && details["denied"] == 1 && details["verified"] == 1)
        #expect(details["promoters"] == 3, "the ledger comes from the store when --ledger is not given")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("no budget given"))
    }
}
