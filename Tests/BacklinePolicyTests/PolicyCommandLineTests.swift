import BacklineTestSupport
import Foundation
import Testing

/// `backline policy …` through the built binary.
@Suite struct PolicyCommandLineTests {
    @Test func testRunsTheGoldenTable() throws {
        let result = try BuiltBinary.run(["policy", "test", PolicyFiles.federationTable])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("PASS"))
        #expect(result.standardOutput.contains("3520 cases, 0 failures"))
    }

    @Test func testFailsForAPolicyThatDisagrees() throws {
        let directory = try TemporaryDirectory()
        let loose = try PolicyFiles.write(
            try PolicyFiles.federationText().replacingOccurrences(
                of: "deny D1: auditor read_update on update\n",
                with: "allow D1: auditor read_update on update\n"
            ),
            to: "loose.policy",
            in: directory
        )
        let result = try BuiltBinary.run(["policy", "test", "--policy", loose, PolicyFiles.federationTable])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("auditor read_update update self open: expected deny"))
    }

    @Test func checkNamesTheLineOfAnError() throws {
        let directory = try TemporaryDirectory()
        let path = try PolicyFiles.write(
            "roles a\nactions x\nresource r\nallow R1: a x on r\nallow R1: a x on r\n",
            to: "dup.policy",
            in: directory
        )
        let result = try BuiltBinary.run(["policy", "check", path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("dup.policy:5: rule id 'R1' already used on line 4"))
        let good = try BuiltBinary.run(["policy", "check", PolicyFiles.federation, "--json"])
        #expect(good.status == 0)
        #expect(good.standardOutput.contains("\"sha256\":\"\(try PolicyFiles.sha256sum(PolicyFiles.federation))\""))
    }

    @Test func explainPrintsTheDecisionAndRule() throws {
        let allow = try BuiltBinary.run([
            "policy", "explain", "--policy", PolicyFiles.federation, "--as", "spiffe://fed/promoter/p1",
            "--action", "submit_update", "--resource", "update:p1:open", "--json",
        ])
        #expect(allow.status == 0)
        #expect(allow.standardOutput.contains("\"decision\":\"allow\""))
        #expect(allow.standardOutput.contains("\"rule_id\":\"P1\""))
        let deny = try BuiltBinary.run([
            "policy", "explain", "--policy", PolicyFiles.federation, "--as", "spiffe://fed/auditor/a1",
            "--action", "read_update", "--resource", "update:p1:open",
        ])
        #expect(deny.standardOutput.hasPrefix("deny"))
        #expect(deny.standardOutput.contains("rule: D1"))
    }
}
