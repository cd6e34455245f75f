import BacklineCore
import BacklinePolicy
import BacklineTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct PolicyLoadingTests {
    static let header = "roles promoter auditor\nactions read_model read_update\nresource model\nresource update with owner, round\n"

    struct Bad: Sendable, CustomStringConvertible {
        let text: String
        let line: Int
        let code: String
        var description: String { "line \(line): \(code)" }
    }

    /// Item 34 and the grammar: every load error names its line.
    @Test(arguments: [
        Bad(text: header + "allow R1: promoter read_modl on model\n", line: 5, code: "undeclared"),
        Bad(text: header + "allow R1: promoter read_model on model\nallow R1: auditor read_model on model\n", line: 6, code: "duplicate"),
        Bad(text: header + "allow R1: admin read_model on model\n", line: 5, code: "undeclared"),
        Bad(text: header + "allow R1: promoter read_model on modle\n", line: 5, code: "undeclared"),
        Bad(text: header + "allow R1: promoter read_model on model when owner is self\n", line: 5, code: "undeclared"),
        Bad(text: header + "allow R1 promoter read_model on model\n", line: 5, code: "syntax"),
        Bad(text: header + "allow R1: promoter read_model model\n", line: 5, code: "syntax"),
        Bad(text: header + "allow R1: promoter read_update on update when owner is mine\n", line: 5, code: "syntax"),
        Bad(text: header + "allow default: promoter read_model on model\n", line: 5, code: "syntax"),
        Bad(text: header + "permit R1: promoter read_model on model\n", line: 5, code: "syntax"),
        Bad(text: header + "actions read_model\n", line: 5, code: "duplicate"),
        Bad(text: header + "resource model\n", line: 5, code: "duplicate"),
        Bad(text: header + "resource blob with size\n", line: 5, code: "syntax"),
        Bad(text: header + "allow R1: promoter read_model on model extra\n", line: 5, code: "syntax"),
    ])
    func loadErrorsNameTheLine(_ bad: Bad) {
        do {
            _ = try CompiledPolicy(bytes: Array(bad.text.utf8), file: "test.policy")
            Issue.record("loaded a bad policy")
        } catch let error as PolicyError {
            #expect(error.code.identifier == bad.code)
            #expect(error.reason.hasPrefix("test.policy:\(bad.line):"), "\(error.reason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func nonUTF8AndEmptyPoliciesAreRejected() {
        #expect(throws: PolicyError.self) { try CompiledPolicy(bytes: [0x72, 0x6f, 0xff, 0x0a], file: "x") }
        #expect(throws: PolicyError.self) { try CompiledPolicy(bytes: Array("# nothing\n".utf8), file: "x") }
    }

    /// Item 34: a failing reload leaves the previous policy active.
    @Test func failedReloadKeepsThePreviousPolicy() throws {
        let directory = try TemporaryDirectory()
        let path = try PolicyFiles.write(try PolicyFiles.federationText(), to: "live.policy", in: directory)
        let engine = try PolicyEngine(contentsOf: path)
        let before = engine.policy.sha256
        let request = PolicyRequest(role: "promoter", subject: "p1", action: "read_model", resourceType: "model")
        #expect(engine.evaluate(request).allowed)
        _ = try PolicyFiles.write(
            try PolicyFiles.federationText() + "allow P9: promoter read_everything on model\n",
            to: "live.policy",
            in: directory
        )
        #expect(throws: PolicyError.self) { try engine.reload(contentsOf: path) }
        #expect(engine.policy.sha256 == before)
        #expect(engine.evaluate(request).allowed)
        #expect(engine.evaluate(request).policySHA256 == before)
    }

    /// Item 36: under concurrent evaluation and reloads, each decision matches the matrix of
    /// the policy its hash names.
    @Test func concurrentReloadGivesOldOrNewDecisions() async throws {
        let old = try CompiledPolicy(contentsOf: PolicyFiles.federation)
        let text = try PolicyFiles.federationText()
            .replacingOccurrences(of: "allow P2: promoter read_model on model\n", with: "")
            .replacingOccurrences(
                of: "allow U2: auditor read_ledger on ledger\n",
                with: "allow U2: auditor read_ledger on ledger\nallow U4: auditor read_metrics on metrics\n"
            )
        let new = try CompiledPolicy(bytes: Array(text.utf8), file: "new")
        #expect(old.sha256 != new.sha256)
        let expected = [old.sha256: PolicyMatrix(policy: old), new.sha256: PolicyMatrix(policy: new)]
        let cells = PolicyMatrix(policy: old).cells
        let engine = PolicyEngine(policy: old)
        let tally = Tally()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var i = 0
                while tally.finishedWorkers.load(ordering: .acquiring) < 3 || i < 2 {
                    engine.replace(with: i % 2 == 0 ? new : old)
                    tally.swaps.add(1, ordering: .releasing)
                    i += 1
                    if i % 7 == 0 { await Task.yield() }  // odd period: workers resume under either policy
                }
            }
            for worker in 0..<3 {
                group.addTask {
                    // Start only once swapping has begun, so evaluation and reload overlap.
                    while tally.swaps.load(ordering: .acquiring) == 0 { await Task.yield() }
                    for i in 0..<20_000 {
                        if i % 500 == 0 { await Task.yield() }
                        let cell = cells[(i * 7 + worker) % cells.count]
                        let decision = engine.evaluate(PolicyMatrix.request(for: cell))
                        tally.seen.withLock { _ = $0.insert(decision.policySHA256) }
                        guard let outcome = expected[decision.policySHA256]?.outcomes[cell],
                            outcome.allowed == decision.allowed, outcome.ruleID == decision.ruleID
                        else {
                            tally.mismatches.add(1, ordering: .relaxed)
                            continue
                        }
                    }
                    tally.finishedWorkers.add(1, ordering: .releasing)
                }
            }
        }
        #expect(tally.mismatches.load(ordering: .relaxed) == 0)
        #expect(tally.seen.withLock { $0 } == Set([old.sha256, new.sha256]))
        // The two policies really differ on some cells, so the check above has teeth.
        #expect(cells.contains { expected[old.sha256]!.outcomes[$0] != expected[new.sha256]!.outcomes[$0] })
    }

    @Test func tableErrorsNameTheLine() throws {
        let policy = try CompiledPolicy(contentsOf: PolicyFiles.federation)
        #expect(throws: PolicyError.self) { try DecisionTable(text: "allow promoter read_model model * maybe\n", path: "t.table") }
        #expect(throws: PolicyError.self) { try DecisionTable(text: "expect promoter read_model model * *\n", path: "t.table") }
        #expect(throws: PolicyError.self) {
            try DecisionTable(text: "allow promoter read_mdl model * *\n", path: "t.table").run(against: policy)
        }
        do {
            _ = try DecisionTable(text: "allow promoter read_model model * *\n\ndeny promoter * model * *\n", path: "t.table").run(
                against: policy
            )
            Issue.record("accepted a contradictory table")
        } catch let error as PolicyError {
            #expect(error.reason.hasPrefix("t.table:3:"))
        }
    }
}

/// Shared counters for the concurrent reload test.
final class Tally: Sendable {
    let mismatches = Atomic<Int>(0)
    let finishedWorkers = Atomic<Int>(0)
    let swaps = Atomic<Int>(0)
    let seen = Mutex<Set<String>>([])
}
