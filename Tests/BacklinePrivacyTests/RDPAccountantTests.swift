import BacklineCore
import BacklinePrivacy
import Foundation
import Testing

@Suite struct RDPAccountantTests {
    @Test func vectorFileHasEveryRow() {
        #expect(DPVector.all.count == 72)
    }

    @Test(arguments: DPVector.all)
    func epsilonMatchesDPAccountingAndStaysAbovePLD(_ vector: DPVector) throws {
        let parameters = MechanismParameters(
            noiseMultiplier: vector.sigma,
            samplingRate: vector.samplingRate,
            steps: vector.steps
        )
        let epsilon = try RDPAccountant.loss(of: parameters, delta: vector.delta).epsilon
        #expect(
            epsilon >= vector.epsilonPLD,
            "ε \(epsilon) below the tight PLD value \(vector.epsilonPLD) for \(vector)"
        )
        #expect(
            epsilon <= vector.epsilonRDP * 1.01,
            "ε \(epsilon) more than 1 % above dp_accounting's \(vector.epsilonRDP) for \(vector)"
        )
        if !vector.mayBeBelowReference {
            #expect(
                epsilon >= vector.epsilonRDP * 0.99,
                "ε \(epsilon) more than 1 % below dp_accounting's \(vector.epsilonRDP) for \(vector)"
            )
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
            MechanismParameters(noiseMultiplier: 1.1, samplingRate: 0.05, steps: 10)
        )
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
                below <= value * (1 + 1e-9) && value <= above * (1 + 1e-9),
                "α=\(alpha): \(below) \(value) \(above)"
            )
        }
    }

    @Test func fullSamplingIsThePlainGaussian() {
        #expect(SubsampledGaussianRDP.rdp(order: 7.5, noiseMultiplier: 2, samplingRate: 1) == 7.5 / 8)
    }

    @Test func noiseMultiplierForTargetReachesIt() throws {
        let sigma = try RDPAccountant.noiseMultiplier(
            targetEpsilon: 1.035,
            delta: 1e-5,
            samplingRate: 0.01,
            steps: 10_000
        )
        #expect(abs(sigma - 4) < 0.02, "got σ = \(sigma)")
        let reached = try RDPAccountant.loss(
            of: MechanismParameters(noiseMultiplier: sigma, samplingRate: 0.01, steps: 10_000),
            delta: 1e-5
        )
        #expect(reached.epsilon <= 1.035)
        let slightlyLess = try RDPAccountant.loss(
            of: MechanismParameters(noiseMultiplier: sigma * 0.999, samplingRate: 0.01, steps: 10_000),
            delta: 1e-5
        )
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
                targetEpsilon: 1e-9,
                delta: 1e-5,
                samplingRate: 1,
                steps: 1000,
                maximum: 10
            )
        }
    }
}

/// The subsampled Gaussian's RDP checked against direct numerical integration of its definition,
/// independent of the series the accountant sums.
@Suite struct SubsampledGaussianRDPIntegrationTests {
    /// log A_α = log ∫ μ0(z) (1 − q + q·e^((2z − 1)/(2σ²)))^α dz, trapezoid rule in log space.
    private func integratedRDP(order alpha: Double, sigma: Double, q: Double) -> Double {
        let low = -40 * sigma - 5
        let high = 40 * sigma + 5 + 2 * alpha * sigma * sigma
        let steps = 200_000
        let h = (high - low) / Double(steps)
        var logTerms = [Double]()
        logTerms.reserveCapacity(steps + 1)
        for i in 0...steps {
            let z = low + Double(i) * h
            let logDensity = -z * z / (2 * sigma * sigma) - log(sigma * (2 * Double.pi).squareRoot())
            let t = (2 * z - 1) / (2 * sigma * sigma)
            let logRatio = t > 0 ? t + log(q + (1 - q) * exp(-t)) : log1p(q * expm1(t))
            logTerms.append(logDensity + alpha * logRatio + (i == 0 || i == steps ? log(0.5) : 0))
        }
        let largest = logTerms.max()!
        let logA = largest + log(logTerms.reduce(0) { $0 + exp($1 - largest) } * h)
        return logA / (alpha - 1)
    }

    @Test(arguments: [
        (1.5, 0.8, 0.1), (1.7, 0.8, 0.1), (2.4, 0.8, 0.1), (3.0, 0.8, 0.1), (7.3, 1.5, 0.1), (20.5, 1.5, 0.01),
        (54.0, 4.0, 0.01), (2.0, 0.5, 0.3),
    ])
    func seriesMatchesIntegral(_ point: (Double, Double, Double)) {
        let (alpha, sigma, q) = point
        let series = SubsampledGaussianRDP.rdp(order: alpha, noiseMultiplier: sigma, samplingRate: q)
        let integral = integratedRDP(order: alpha, sigma: sigma, q: q)
        #expect(abs(series - integral) <= 1e-6 * max(integral, 1e-6), "α=\(alpha) σ=\(sigma) q=\(q): \(series) vs \(integral)")
    }
}
