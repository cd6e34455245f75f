import BacklineAudit
import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

/// `backline audit …` run as a user would, through the built binary.
@Suite struct AuditCommandLineTests {
    struct Fixture {
        let directory: TemporaryDirectory
        let log: String
        let key: String

        init(count: Int = 40) throws {
            directory = try TemporaryDirectory()
            log = directory.file("audit.log")
            let signer = try AuditFixtures.signer()
            try AuditFixtures.fill(try FileAuditStorage(path: log), count: count, signer: signer)
            key = directory.file("log.vkey")
            try (signer.verifierKey.text + "\n").write(toFile: key, atomically: true, encoding: .utf8)
        }
    }

    @Test func verifyPassesThenNamesTheEditedEntry() throws {
        let f = try Fixture()
        let state = f.directory.file("auditor.json")
        let first = try BuiltBinary.run([
            "audit", "verify", "--log", f.log, "--key", f.key, "--state", state, "--origin", AuditFixtures.origin,
        ])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.hasPrefix("ok: 40 entries"))
        #expect(FileManager.default.fileExists(atPath: state + ".leaves"))

        var lines = try String(contentsOfFile: f.log, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[23] = lines[23].replacingOccurrences(of: "\"outcome\":\"ok\"", with: "\"outcome\":\"rejected\"")
        try (lines.joined(separator: "\n") + "\n").write(toFile: f.log, atomically: true, encoding: .utf8)
        let second = try BuiltBinary.run(["audit", "verify", "--log", f.log, "--key", f.key, "--state", state, "--json"])
        #expect(second.status == 1)
        struct Report: Decodable {
            let ok: Bool
            let first_bad_index: Int?
            let problems: [String]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(second.standardOutput.utf8))
        #expect(report.ok == false)
        #expect(report.first_bad_index == 23)
        #expect(report.problems.contains { $0.contains("root mismatch") })
    }

    /// Item 45 through the CLI: a log rolled back to an older, genuinely signed state fails
    /// against the auditor's saved checkpoint, and the saved state is left as it was.
    @Test func verifyRejectsARolledBackLog() throws {
        let f = try Fixture(count: 30)
        let state = f.directory.file("auditor.json")
        #expect(try BuiltBinary.run(["audit", "verify", "--log", f.log, "--key", f.key, "--state", state]).status == 0)
        let savedBefore = try String(contentsOfFile: state, encoding: .utf8)

        // Cut the log back to 20 entries; without the key no matching checkpoint can be signed.
        let lines = try String(contentsOfFile: f.log, encoding: .utf8).split(separator: "\n").prefix(20)
        try (lines.joined(separator: "\n") + "\n").write(toFile: f.log, atomically: true, encoding: .utf8)
        let result = try BuiltBinary.run(["audit", "verify", "--log", f.log, "--key", f.key, "--state", state])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("first bad index: 20"))
        #expect(result.standardOutput.contains("roll-back") || result.standardOutput.contains("entries removed"))
        #expect(try String(contentsOfFile: state, encoding: .utf8) == savedBefore)
    }

    @Test func exportedBundleVerifiesOfflineAndHoldsOnlyTheFilteredEntries() throws {
        let f = try Fixture()
        let bundle = f.directory.file("bundle.json")
        let export = try BuiltBinary.run([
            "audit", "export", "--log", f.log, "--key", f.key, "--origin", AuditFixtures.origin,
            "--out", bundle, "--actor", "spiffe://fed/promoter/p2", "--json",
        ])
        #expect(export.status == 0, "\(export.standardError)")
        #expect(export.standardOutput.contains("\"entries\":10"))
        let verify = try BuiltBinary.run(["audit", "verify", "--bundle", bundle, "--key", f.key])
        #expect(verify.status == 0, "\(verify.standardError)")
        #expect(verify.standardOutput.hasPrefix("ok: 10 entries"))
        // Another key must not accept it.
        let other = try AuditFixtures.signer().verifierKey.text
        #expect(try BuiltBinary.run(["audit", "verify", "--bundle", bundle, "--key", other]).status == 1)
    }

    @Test func tailAndSearchPrintEntries() throws {
        let f = try Fixture()
        let tail = try BuiltBinary.run(["audit", "tail", "--log", f.log, "--count", "3", "--json"])
        #expect(tail.status == 0)
        #expect(tail.standardOutput.split(separator: "\n").count == 3)
        #expect(tail.standardOutput.hasPrefix("{\"entry\":"))
        let search = try BuiltBinary.run(["audit", "search", "--log", f.log, "--round", "2", "--action", "read_model"])
        #expect(search.status == 0)
        let rows = search.standardOutput.split(separator: "\n")
        #expect(rows.first?.hasPrefix("INDEX") == true)
        let expected = try (0..<40).filter { i in
            let e = try AuditFixtures.entry(i)
            return e.round == 2 && e.action == "read_model"
        }
        #expect(rows.dropFirst().map { Int($0.split(separator: " ").first!)! } == expected)
        let bad = try BuiltBinary.run(["audit", "search", "--log", f.log, "--since", "yesterday"])
        #expect(bad.status == 1)
    }

    @Test func proofsPrintAndVerify() throws {
        let f = try Fixture()
        let inclusion = try BuiltBinary.run([
            "audit", "proof", "--log", f.log, "--key", f.key, "--origin", AuditFixtures.origin, "--index", "7", "--json",
        ])
        #expect(inclusion.status == 0, "\(inclusion.standardError)")
        struct Report: Decodable {
            let tree_size: Int
            let root: String
            let proof: [String]
            let leaf_hash: String?
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(inclusion.standardOutput.utf8))
        try MerkleProof.verifyInclusion(
            leafHash: try TreeHash(hex: try #require(report.leaf_hash)),
            index: 7,
            treeSize: report.tree_size,
            proof: try report.proof.map { try TreeHash(hex: $0) },
            root: try TreeHash(hex: report.root)
        )
        let consistency = try BuiltBinary.run([
            "audit", "proof", "--log", f.log, "--key", f.key, "--origin", AuditFixtures.origin, "--from-size", "13",
        ])
        #expect(consistency.status == 0)
        #expect(consistency.standardOutput.hasPrefix("consistency proof to checkpoint size 40"))
        #expect(
            try BuiltBinary.run(["audit", "proof", "--log", f.log, "--key", f.key, "--origin", AuditFixtures.origin, "--index", "40"])
                .status == 1
        )
    }
}
