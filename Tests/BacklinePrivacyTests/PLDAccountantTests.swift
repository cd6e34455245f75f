import BacklinePrivacy
import Foundation
import Testing

@Suite struct PLDAccountantTests {
    /// A few cheap rows in the debug build (the benchmark runs all 72 in release): our pessimistic
    /// PLD ε is never below dp_accounting's tight PLD value, within 1 % of it, and below RDP.
    @Test(
        arguments: DPVector.all.filter {
            $0.steps == 1 && $0.delta == 1e-5 && $0.sigma != 1.5
                || ($0.steps == 10 && $0.sigma == 4 && $0.samplingRate == 1 && $0.delta == 1e-6)
        }
    )
    func epsilonIsJustAboveTheTightReference(_ vector: DPVector) throws {
        let parameters = MechanismParameters(
            noiseMultiplier: vector.sigma,
            samplingRate: vector.samplingRate,
            steps: vector.steps
        )
        let epsilon = try PLDAccountant.epsilon(of: parameters, delta: vector.delta)
        #expect(epsilon >= vector.epsilonPLD, "\(vector): \(epsilon) below \(vector.epsilonPLD)")
        #expect(epsilon <= vector.epsilonPLD * 1.01, "\(vector): \(epsilon) far above \(vector.epsilonPLD)")
        #expect(epsilon <= vector.epsilonRDP)
    }

    @Test func invalidPlanIsRefused() {
        #expect(throws: PrivacyError.self) {
            try PLDAccountant.epsilon(of: MechanismParameters(noiseMultiplier: 0), delta: 1e-5)
        }
        #expect(throws: PrivacyError.self) {
            try PLDAccountant.epsilon(of: MechanismParameters(noiseMultiplier: 1), delta: 0)
        }
    }
}

/// Without subsampling, T runs of the Gaussian mechanism with multiplier σ are one Gaussian
/// mechanism with μ = √T/σ, whose exact δ(ε) = Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2) (Balle & Wang
/// 2018): the PLD accountant must land just above the exact ε, never below.
@Suite struct PLDAccountantExactGaussianTests {
    private func exactEpsilon(sigma: Double, steps: Int, delta: Double) -> Double {
        let mu = Double(steps).squareRoot() / sigma
        func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        func deltaAt(_ epsilon: Double) -> Double {
            phi(-epsilon / mu + mu / 2) - exp(epsilon) * phi(-epsilon / mu - mu / 2)
        }
        var low = 0.0
        var high = 100.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if deltaAt(middle) > delta { low = middle } else { high = middle }
        }
        return high
    }

    @Test(arguments: [(0.8, 1, 1e-5), (1.5, 10, 1e-6), (4.0, 10, 1e-5), (2.0, 3, 1e-3)])
    func epsilonIsJustAboveTheExactValue(_ plan: (Double, Int, Double)) throws {
        let (sigma, steps, delta) = plan
        let exact = exactEpsilon(sigma: sigma, steps: steps, delta: delta)
        let ours = try PLDAccountant.epsilon(
            of: MechanismParameters(noiseMultiplier: sigma, steps: steps),
            delta: delta
        )
        #expect(ours >= exact, "σ=\(sigma) T=\(steps): \(ours) below the exact \(exact)")
        #expect(ours <= exact * 1.002, "σ=\(sigma) T=\(steps): \(ours) vs exact \(exact)")
    }
}
