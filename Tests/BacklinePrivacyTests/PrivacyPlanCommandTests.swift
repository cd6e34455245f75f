import BacklineTestSupport
import Foundation
import Testing

/// `backline privacy plan`, run as a user would (the built debug binary).
@Suite struct PrivacyPlanCommandTests {
    private struct Plan: Decodable {
        let epsilon: Double
        let sigma: Double
        let target_epsilon: Double?
    }

    private func plan(_ arguments: [String]) throws -> (BuiltBinary.Result, Plan?) {
        let result = try BuiltBinary.run(["privacy", "plan"] + arguments + ["--json"])
        return (result, try? JSONDecoder().decode(Plan.self, from: Data(result.standardOutput.utf8)))
    }

    @Test func printsEpsilonForAPlan() throws {
        let (result, plan) = try plan(["--q", "0.01", "--sigma", "4", "--rounds", "10000", "--delta", "1e-5"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(abs(try #require(plan).epsilon - 1.035) < 0.005)
    }

    @Test func printsTheSigmaATargetNeeds() throws {
        let (result, plan) = try plan([
            "--q", "0.01", "--target-epsilon", "1.035", "--rounds", "10000", "--delta", "1e-5",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let found = try #require(plan)
        #expect(abs(found.sigma - 4) < 0.02 && found.epsilon <= 1.035 && found.target_epsilon == 1.035)
    }

    @Test(arguments: [
        ["--q", "0.01", "--rounds", "10", "--delta", "1e-5"],
        ["--q", "0.01", "--sigma", "1", "--target-epsilon", "1", "--rounds", "10", "--delta", "1e-5"],
        ["--q", "2", "--sigma", "1", "--rounds", "10", "--delta", "1e-5"],
        ["--q", "0.1", "--sigma", "nan", "--rounds", "10", "--delta", "1e-5"],
        ["--q", "0.1", "--sigma", "1", "--rounds", "0", "--delta", "1e-5"],
    ])
    func badArgumentsAreUsageErrors(_ arguments: [String]) throws {
        let result = try BuiltBinary.run(["privacy", "plan"] + arguments)
        #expect(result.status == 64, "\(arguments): \(result.standardOutput)")
        #expect(result.standardError.contains("usage:"))
    }
}

@Suite struct PrivacyPlanPLDTests {
    @Test func pldFlagAddsTheTighterEpsilon() throws {
        let result = try BuiltBinary.run([
            "privacy", "plan", "--q", "1", "--sigma", "4", "--rounds", "1", "--delta", "1e-5", "--pld",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("PLD accountant ε = 0.92"), "\(result.standardOutput)")
    }
}
