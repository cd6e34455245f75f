internal import BacklinePrivacy
import Foundation

/// `backline privacy`: privacy accounting commands.
struct PrivacyCommand: Command {
    let name = "privacy"
    let abstract = "Differential-privacy accounting: plan noise and budgets"
    var subcommands: [any Command] { [PrivacyPlanCommand()] }
}

/// `backline privacy plan`: ε of a training plan, or the σ a target ε needs.
struct PrivacyPlanCommand: Command {
    let name = "plan"
    let abstract = "Print ε for a plan (q, σ, rounds, δ), or with --target-epsilon the σ needed"
    var options: [OptionSpec] {
        [
            .value("q", "Q", "Poisson sampling rate per round, in (0, 1]; 1 = every member"),
            .value("sigma", "S", "Noise multiplier σ (noise std over the clipping norm)"),
            .value("target-epsilon", "E", "Instead of --sigma: find the smallest σ that keeps ε ≤ E"),
            .value("rounds", "R", "Number of rounds (compositions)"),
            .value("delta", "D", "δ, in (0, 1)"),
            .flag("pld", "Also print ε from the (tighter) privacy-loss-distribution accountant"),
        ]
    }
    var discussion: String {
        """
        Rényi DP of the Poisson-subsampled Gaussian mechanism, composed over the rounds and converted
        to (ε, δ) at the best order of dp_accounting's grid (1.1–10.9 by 0.1, 11–63, 128, 256, 512, 1024).

        Examples:
          backline privacy plan --q 0.01 --sigma 4 --rounds 10000 --delta 1e-5
          backline privacy plan --q 0.01 --target-epsilon 1 --rounds 10000 --delta 1e-5 --json
        """
    }

    private struct Plan: Encodable {
        let q: Double
        let sigma: Double
        let rounds: Int
        let delta: Double
        let epsilon: Double
        let order: Double?
        let target_epsilon: Double?
        let epsilon_pld: Double?
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let q = try arguments.double("q", in: Double.leastNonzeroMagnitude...1)
        let rounds = try arguments.integer("rounds", in: 1...MechanismParameters.maximumSteps)
        let delta = try arguments.double("delta", in: Double.leastNonzeroMagnitude...0.999_999)
        let target = try arguments.value("target-epsilon").map { _ in
            try arguments.double("target-epsilon", in: Double.leastNonzeroMagnitude...1e6)
        }
        let sigma: Double
        switch (arguments.value("sigma"), target) {
        case (.some, .some): throw UsageError("give either --sigma or --target-epsilon, not both")
        case (.none, .none): throw UsageError("missing --sigma (or --target-epsilon)")
        case (.some, .none): sigma = try arguments.double("sigma", in: Double.leastNonzeroMagnitude...1e6)
        case (.none, .some(let target)):
            sigma = try RDPAccountant.noiseMultiplier(
                targetEpsilon: target,
                delta: delta,
                samplingRate: q,
                steps: rounds
            )
        }
        let parameters = MechanismParameters(noiseMultiplier: sigma, samplingRate: q, steps: rounds)
        let loss = try RDPAccountant.loss(of: parameters, delta: delta)
        let pld = try arguments.flag("pld") ? PLDAccountant.epsilon(of: parameters, delta: delta) : nil
        let plan = Plan(
            q: q,
            sigma: sigma,
            rounds: rounds,
            delta: delta,
            epsilon: loss.epsilon,
            order: loss.order,
            target_epsilon: target,
            epsilon_pld: pld
        )
        try context.report(plan) {
            let order = loss.order.map { String(format: "%g", $0) } ?? "-"
            var summary = "q = \(q), \(rounds) rounds, δ = \(delta); best RDP order \(order)"
            if let pld { summary += String(format: "; PLD accountant ε = %.4f", pld) }
            if let target {
                return String(format: "σ = %.4f keeps ε = %.4f ≤ %g (", sigma, loss.epsilon, target) + summary + ")"
            }
            return String(format: "ε = %.4f at σ = %g (", loss.epsilon, sigma) + summary + ")"
        }
        return 0
    }
}
