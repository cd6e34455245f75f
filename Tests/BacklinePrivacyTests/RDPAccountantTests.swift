import BacklineCore
import BacklinePrivacy
import Testing

@Suite struct RDPAccountantTests {
    @Test func vectorFileHasEveryRow() {
        #expect(DPVector.all.count == 72)
    }

    @Test(arguments: DPVector.all)
    func epsilonMatchesDPAccountingAndStaysAbovePLD(_ vector: DPVector) throws {
        let parameters = MechanismParameters(
            noiseMultiplier: vector.sigma, samplingRate: vector.samplingRate, steps: vector.steps)
        let epsilon = try RDPAccountant.loss(of: parameters, delta: vector.delta).epsilon
        #expect(
            epsilon >= vector.epsilonPLD, "ε \(epsilon) below the tight PLD value \(vector.epsilonPLD) for \(vector)")
        #expect(
            epsilon <= vector.epsilonRDP * 1.01,
            "ε \(epsilon) more than 1 % above dp_accounting's \(vector.epsilonRDP) for \(vector)")
        if !vector.mayBeBelowReference {
            #expect(
                epsilon >= vector.epsilonRDP * 0.99,
                "ε \(epsilon) more than 1 % below dp_accounting's \(vector.epsilonRDP) for \(vector)")
        }
    }

    @Test func abadiSettingGivesPublishedEpsilon() throws {
        let parameters = MechanismParameters(noiseMultiplier: 4, samplingRate: 0.01, steps: 10_000)
        let epsilon = try RDPAccountant.loss(of: parameters, delta: 1e-5).epsilon
        #expect(abs(epsilon - 1.035) < 0.005, "got \(epsilon)")
        #expect(epsilon > 0.947)  // The PLD value.
    }

    @Test func composingRoundsEqualsOneRecordWithAllSteps() throws {
        var stepwise = RDPAccountant()
        for _ in 0..<10 { try stepwise.compose(MechanismParameters(noiseMultiplier: 1.1, samplingRate: 0.05)) }
        let together = try RDPAccountant().composing(
            MechanismParameters(noiseMultiplier: 1.1, samplingRate: 0.05, steps: 10))
        for (a, b) in zip(stepwise.rdp, together.rdp) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
        #expect(abs(try stepwise.loss(delta: 1e-5).epsilon - together.loss(delta: 1e-5).epsilon) < 1e-9)
    }

    @Test func fractionalOrdersLieBetweenTheirWholeNeighbours() {
        // RDP is non-decreasing in α, so the fractional-order series must land between whole orders.
        for alpha in stride(from: 2.1, through: 9.9, by: 0.4) {
            let below = SubsampledGaussianRDP.rdp(order: alpha.rounded(.down), noiseMultiplier: 1.3, samplingRate: 0.02)
            let value = SubsampledGaussianRDP.rdp(order: alpha, noiseMultiplier: 1.3, samplingRate: 0.02)
            let above = SubsampledGaussianRDP.rdp(order: alpha.rounded(.up), noiseMultiplier: 1.3, samplingRate: 0.02)
            #expect(
                below <= value * (1 + 1e-9) && value <= above * (1 + 1e-9), "α=\(alpha): \(below) \(value) \(above)")
        }
    }

    @Test func fullSamplingIsThePlainGaussian() {
        #expect(SubsampledGaussianRDP.rdp(order: 7.5, noiseMultiplier: 2, samplingRate: 1) == 7.5 / 8)
    }

    @Test func noiseMultiplierForTargetReachesIt() throws {
        let sigma = try RDPAccountant.noiseMultiplier(
            targetEpsilon: 1.035, delta: 1e-5, samplingRate: 0.01, steps: 10_000)
        #expect(abs(sigma - 4) < 0.02, "got σ = \(sigma)")
        let reached = try RDPAccountant.loss(
            of: MechanismParameters(noiseMultiplier: sigma, samplingRate: 0.01, steps: 10_000), delta: 1e-5)
        #expect(reached.epsilon <= 1.035)
        let slightlyLess = try RDPAccountant.loss(
            of: MechanismParameters(noiseMultiplier: sigma * 0.999, samplingRate: 0.01, steps: 10_000), delta: 1e-5)
        #expect(slightlyLess.epsilon > 1.035 * 0.999)
    }

    @Test(arguments: [
        MechanismParameters(noiseMultiplier: .nan),
        MechanismParameters(noiseMultiplier: 0),
        MechanismParameters(noiseMultiplier: -.infinity),
        MechanismParameters(noiseMultiplier: 1, samplingRate: 0),
        MechanismParameters(noiseMultiplier: 1, samplingRate: 1.5),
        MechanismParameters(noiseMultiplier: 1, samplingRate: .nan),
        MechanismParameters(noiseMultiplier: 1, steps: 0),
        MechanismParameters(noiseMultiplier: 1, sensitivity: .infinity),
    ])
    func invalidParametersAreRefused(_ parameters: MechanismParameters) {
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) { try RDPAccountant().composing(parameters) }
    }

    @Test(arguments: [0.0, 1.0, -1e-5, Double.nan])
    func invalidDeltaIsRefused(_ delta: Double) {
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) { try RDPAccountant().loss(delta: delta) }
    }

    @Test func unreachableTargetIsReported() {
        #expect(throws: PrivacyError(code: .unreachableTarget, reason: "")) {
            try RDPAccountant.noiseMultiplier(
                targetEpsilon: 1e-9, delta: 1e-5, samplingRate: 1, steps: 1000, maximum: 10)
        }
    }
}
