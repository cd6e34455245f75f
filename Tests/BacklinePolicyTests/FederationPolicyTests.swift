import BacklineCore
import BacklinePolicy
import BacklineTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct FederationPolicyTests {
    static func policy() throws -> CompiledPolicy { try CompiledPolicy(contentsOf: PolicyFiles.federation) }

    /// Item 30: the full matrix equals the golden table.
    @Test func matrixEqualsTheGoldenTable() throws {
        let table = try DecisionTable(contentsOf: PolicyFiles.federationTable)
        let policyPath = try #require(table.policyPath)
        let result = try table.run(against: try CompiledPolicy(contentsOf: policyPath))
        #expect(result.cases == 4 * 20 * 11 * 2 * 2)
        #expect(result.failures == [])
    }

    @Test func theGoldenTableCatchesAWrongPolicy() throws {
        let directory = try TemporaryDirectory()
        // Drop the owner check from P1: promoters could submit other promoters' updates... but D2
        // still denies; so also drop D2 to see the table object.
        let text = try PolicyFiles.federationText()
            .replacingOccurrences(
                of: "allow P1: promoter submit_update on update when owner is self and round is open",
                with: "allow P1: promoter submit_update on update when round is open"
            )
            .replacingOccurrences(of: "deny D2: promoter submit_update on update when owner is other\n", with: "")
        let path = try PolicyFiles.write(text, to: "loose.policy", in: directory)
        let result = try DecisionTable(contentsOf: PolicyFiles.federationTable).run(against: try CompiledPolicy(contentsOf: path))
        #expect(result.failures.contains { $0.hasPrefix("promoter submit_update update other open: expected deny") })
    }

    struct Case: Sendable, CustomStringConvertible {
        let request: PolicyRequest
        let ruleID: String
        var description: String { "\(request.role) \(request.action) \(request.resourceType) owner=\(request.owner ?? "nil")" }
    }

    /// Item 31: unknown role, unknown action, unknown type or a missing attribute → deny.
    @Test(arguments: [
        Case(request: PolicyRequest(role: "admin", subject: "p1", action: "read_model", resourceType: "model"), ruleID: "error"),
        Case(request: PolicyRequest(role: "promoter", subject: "p1", action: "drop_tables", resourceType: "model"), ruleID: "error"),
        Case(request: PolicyRequest(role: "promoter", subject: "p1", action: "read_model", resourceType: "secrets"), ruleID: "error"),
        Case(
            request: PolicyRequest(
                role: "promoter",
                subject: "p1",
                action: "submit_update",
                resourceType: "update",
                owner: nil,
                roundIsOpen: true
            ),
            ruleID: "error"
        ),
        Case(
            request: PolicyRequest(
                role: "promoter",
                subject: "p1",
                action: "submit_update",
                resourceType: "update",
                owner: "p1",
                roundIsOpen: nil
            ),
            ruleID: "error"
        ),
        Case(
            request: PolicyRequest(role: "auditor", subject: "a1", action: "read_ledger", resourceType: "ledger", owner: nil),
            ruleID: "error"
        ),
        Case(request: PolicyRequest(role: "auditor", subject: "a1", action: "read_model", resourceType: "model"), ruleID: "default"),
        Case(request: PolicyRequest(role: "Promoter", subject: "p1", action: "read_model", resourceType: "model"), ruleID: "error"),
    ])
    func unevaluableRequestsAreDenied(_ case_: Case) throws {
        let decision = try Self.policy().evaluate(case_.request)
        #expect(decision.allowed == false)
        #expect(decision.ruleID == case_.ruleID)
        #expect(!decision.reason.isEmpty)
    }

    /// Item 32: an allow beside D1 does not open auditor access to updates.
    @Test func denyOverridesAnAddedAllow() throws {
        let directory = try TemporaryDirectory()
        let text = try PolicyFiles.federationText() + "allow X1: auditor read_update on update\n"
        let policy = try CompiledPolicy(contentsOf: try PolicyFiles.write(text, to: "x.policy", in: directory))
        for owner in ["p1", "p2"] {
            for open in [true, false] {
                let decision = policy.evaluate(
                    PolicyRequest(
                        role: "auditor",
                        subject: "a1",
                        action: "read_update",
                        resourceType: "update",
                        owner: owner,
                        roundIsOpen: open
                    )
                )
                #expect(decision.allowed == false)
                #expect(decision.ruleID == "D1")
            }
        }
        // Without D1 the added rule would allow (for an update the auditor "owns", which D3 does
        // not cover): the deny is what stops it.
        let withoutD1 = try CompiledPolicy(
            bytes: Array(text.replacingOccurrences(of: "deny D1: auditor read_update on update\n", with: "").utf8),
            file: "no-d1"
        )
        #expect(
            withoutD1.evaluate(
                PolicyRequest(role: "auditor", subject: "a1", action: "read_update", resourceType: "update", owner: "a1", roundIsOpen: true)
            ).allowed
        )
    }

    /// Item 33: shuffling rule order under 100 seeds leaves the matrix identical.
    @Test func ruleOrderDoesNotMatter() throws {
        let text = try PolicyFiles.federationText()
        let reference = PolicyMatrix(policy: try Self.policy())
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let rulePositions = lines.indices.filter { lines[$0].hasPrefix("allow ") || lines[$0].hasPrefix("deny ") }
        #expect(rulePositions.count == 34)
        for seed in 0..<100 {
            var generator = SeededGenerator(seed: UInt64(seed))
            let shuffled = rulePositions.map { lines[$0] }.shuffled(using: &generator)
            for (position, rule) in zip(rulePositions, shuffled) { lines[position] = rule }
            let policy = try CompiledPolicy(bytes: Array(lines.joined(separator: "\n").utf8), file: "shuffled-\(seed)")
            #expect(PolicyMatrix(policy: policy) == reference, "seed \(seed)")
        }
    }

    /// Item 35: every decision carries the SHA-256 of the loaded file's bytes.
    @Test func decisionsCarryThePolicyFileHash() throws {
        let expected = try PolicyFiles.sha256sum(PolicyFiles.federation)
        #expect(expected.count == 64)
        let policy = try Self.policy()
        #expect(policy.sha256 == expected)
        for cell in PolicyMatrix(policy: policy).cells.prefix(200) {
            #expect(policy.evaluate(PolicyMatrix.request(for: cell)).policySHA256 == expected)
        }
        #expect(policy.evaluate(PolicyRequest(role: "nobody", subject: "x", action: "x", resourceType: "x")).policySHA256 == expected)
    }

    @Test func spiffeIdentitiesMapToRequests() throws {
        let p1 = try SpiffeID(parsing: "spiffe://fed/promoter/p1")
        let policy = try Self.policy()
        #expect(policy.evaluate(try PolicyRequest(identity: p1, action: "submit_update", resource: "update:p1:open")).ruleID == "P1")
        #expect(policy.evaluate(try PolicyRequest(identity: p1, action: "submit_update", resource: "update:p2:open")).ruleID == "D2")
        #expect(policy.evaluate(try PolicyRequest(identity: p1, action: "submit_update", resource: "update::open")).ruleID == "error")
        #expect(throws: PolicyError.self) { try PolicyRequest(identity: p1, action: "read_model", resource: "update:p1:ajar") }
    }

    @Test(arguments: [
        "spiffe://fed/promoter", "https://fed/promoter/p1", "spiffe://fed/promoter/p1/x", "spiffe://FED/promoter/p1",
        "spiffe://fed/promoter/..", "spiffe://fed//p1", "spiffe://fed/promoter/p 1",
    ])
    func malformedSpiffeIDsAreRejected(_ text: String) {
        #expect(throws: PolicyError.self) { try SpiffeID(parsing: text) }
    }
}
