import BacklineAggregator
import BacklineAnalytics
import BacklineCore
import BacklineNode
import BacklineTestSupport
import BacklineTransport
import Dispatch
import Foundation
import Testing

/// `backline analytics submit|fetch` as a promoter runs them: the built binary, a real encrypted
/// vault, a node.json, against the in-process aggregator.
@Suite struct AnalyticsSubmitCommandTests {
    /// Runs the built binary on a thread of its own (the aggregator's executor stays free).
    private func run(_ arguments: [String]) async throws -> BuiltBinary.Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try BuiltBinary.run(arguments) }) }
        }
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func submitChargesTheVaultLedgerAndFetchShowsTheResultBesideLocalValues() async throws {
        let fixture = try await NodeFederationFixture()
        let federation = AnalyticsFederationTests.Federation(fixture: fixture)
        let directory = fixture.directory
        let vault = directory.file("vault-p1"), key = directory.file("kek-p1")
        #expect(try await run(["data", "keygen", "--out", key]).status == 0)
        let generated = try await run([
            "data", "generate", "--format", "vault", "--vault", vault, "--key-file", key, "--promoter", "0", "--promoters", "1",
            "--members", "600", "--artists", "120", "--no-listening",
        ])
        #expect(generated.status == 0, "\(generated.standardError)")
        let config = try fixture.writeNodeConfiguration(port: Int(fixture.service.port), vault: vault, key: key, directory: directory)
        let id = try await federation.open(epsilon: 4)
        let options = ["--config", config, "--query-id", String(id), "--json"]

        let submitted = try await run(["analytics", "submit"] + options)
        #expect(submitted.status == 0, "\(submitted.standardError)")
        let receipt = try json(submitted.standardOutput)
        #expect((receipt["receipt_id"] as? String)?.isEmpty == false)
        let spent = try #require(receipt["ledger_spent_epsilon"] as? Double)
        // The query's (ε = 4, δ = 1e-5), as the ledger's RDP accountant counts it at the budget's δ = 1e-5.
        #expect(spent > 3 && spent <= 4 * 1.001)
        // Two more promoters answer in process; the operator closes the query.
        try await federation.submit(1, query: id)
        try await federation.submit(2, query: id)
        #expect(try await federation.close(id) == 200)

        let fetched = try await run(["analytics", "fetch"] + options)
        #expect(fetched.status == 0, "\(fetched.standardError)")
        let report = try json(fetched.standardOutput)
        #expect(report["contributors"] as? [String] == ["p1", "p2", "p3"])
        let cells = try #require(report["cells"] as? [[String: Any]])
        #expect(cells.count == (try AnalyticsQuery.builtIn(named: AnalyticsFederationTests.query)).segment.cells.count)
        #expect(cells.contains { ($0["local_members"] as? Int ?? 0) > 0 })

        // A second query costing more than the budget left: refused before anything is sent.
        let expensive = try await federation.open(epsilon: 20)
        let refused = try await run(["analytics", "submit", "--config", config, "--query-id", String(expensive)])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("budget"), "\(refused.standardError)")
        #expect(try await federation.node(0).announcement(queryID: expensive).submitted == 0)
    }
}
