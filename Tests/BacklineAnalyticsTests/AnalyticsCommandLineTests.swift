import BacklineTestSupport
import Foundation
import Testing

/// `backline analytics` as a promoter runs it: the built binary, a real encrypted vault.
@Suite struct AnalyticsCommandLineTests {
    private func run(_ arguments: [String]) throws -> BuiltBinary.Result { try BuiltBinary.run(arguments) }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func releasesAreChargedToTheVaultLedgerAndRefusedOverBudget() throws {
        let directory = try TemporaryDirectory(prefix: "backline-analytics")
        let vault = directory.file("vault")
        let key = directory.file("kek")
        #expect(try run(["data", "keygen", "--out", key]).status == 0)
        let generated = try run([
            "data", "generate", "--format", "vault", "--vault", vault, "--key-file", key, "--promoter", "0",
            "--promoters", "1", "--members", "400", "--no-listening",
        ])
        #expect(generated.status == 0, "\(generated.standardError)")
        let open = ["--vault", vault, "--key-file", key]

        let listed = try json(try run(["analytics", "list", "--json"]).standardOutput)
        let names = (listed["queries"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(names.contains("dwell_by_genre") && names.contains("lead_time_by_weekday"))

        let first = try run(
            ["analytics", "run"] + open + ["--query", "dwell_by_genre", "--epsilon", "1", "--budget-epsilon", "1.2", "--json"]
        )
        #expect(first.status == 0, "\(first.standardError)")
        let report = try json(first.standardOutput)
        #expect((report["cells"] as? [Any])?.count == 14)
        #expect(report["exact"] as? Bool == false)
        #expect(abs((report["ledger_spent_epsilon"] as? Double ?? 0) - 1) < 0.01)

        // The ledger was persisted in the vault: a second ε = 1 release would exceed 1.2.
        let second = try run(["analytics", "run"] + open + ["--query", "no_show_by_genre", "--epsilon", "1", "--json"])
        #expect(second.status == 1)
        #expect(try json(second.standardOutput)["code"] as? String == "budget_exceeded")
        #expect(!second.standardOutput.contains("cells"))

        // A JSON definition with a small ε still fits; the exact answer costs nothing.
        let definition = directory.file("query.json")
        try Data(#"{"name":"merch_by_gender","measure":"merch_spend","segment":"gender","clamp":[0,80],"max_cells_per_member":1}"#.utf8)
            .write(to: URL(fileURLWithPath: definition))
        let custom = try run(["analytics", "run"] + open + ["--query-file", definition, "--epsilon", "0.1", "--json"])
        #expect(custom.status == 0, "\(custom.standardError)")
        let exact = try run(["analytics", "run"] + open + ["--query", "no_show_by_genre", "--exact", "--json"])
        #expect(exact.status == 0, "\(exact.standardError)")
        #expect(try json(exact.standardOutput)["exact"] as? Bool == true)

        let unknown = try run(["analytics", "run"] + open + ["--query", "everything"])
        #expect(unknown.status == 1 && unknown.standardError.contains("unknown_name"))
    }
}
