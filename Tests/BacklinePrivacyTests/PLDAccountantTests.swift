import BacklinePrivacy
import Testing

@Suite struct PLDAccountantTests {
    /// A few cheap rows in the debug build (the benchmark runs all 72 in release): our pessimistic
    /// PLD ε is never below dp_accounting's tight PLD value, within 1 % of it, and below RDP.
    @Test(
        arguments: DPVector.all.filter {
            $0.steps == 1 && $0.delta == 1e-5 && $0.sigma != 1.5
                || ($0.steps == 10 && $0.sigma == 4 && $0.samplingRate == 1 && $0.delta == 1e-6)
        })
    func epsilonIsJustAboveTheTightReference(_ vector: DPVector) throws {
        let parameters = MechanismParameters(
            noiseMultiplier: vector.sigma, samplingRate: vector.samplingRate, steps: vector.steps)
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
