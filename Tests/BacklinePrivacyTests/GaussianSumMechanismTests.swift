import BacklineCore
import BacklinePrivacy
import Testing

@Suite struct GaussianSumMechanismTests {
    /// SECURITY-TESTS 68: z = 1.1, C = 1, m = 20 members, 100 000 coordinates → the noise on the
    /// mean has std 0.055 within 1 % and mean 0 within 4σ/√N; the noise is added after clipping
    /// (every member's contribution has norm ~3e30 and is clipped, yet the noise keeps its size).
    @Test func noiseOnTheMeanHasTheCalibratedSizeAndComesAfterClipping() throws {
        let d = 100_000
        let members = 20
        let mechanism = try GaussianSumMechanism(
            shape: .flat(d),
            clipNorm: 1,
            noiseMultiplier: 1.1,
            count: .publicValue(Double(members))
        )
        var source = SeededNoiseSource(seed: 68)
        let contribution = [Float](repeating: 1e28, count: d)
        let release = try mechanism.release(Array(repeating: contribution, count: members), using: &source)
        let clippedCoordinate = mechanism.roundingClipNorm / Double(d).squareRoot()
        let noise = release.mean().map { Double($0) - clippedCoordinate }
        let (mean, deviation) = moments(noise)
        let expected = 1.1 * 1 / Double(members)
        #expect(abs(deviation - expected) <= 0.01 * expected, "std \(deviation), expected \(expected)")
        #expect(abs(mean) <= 4 * expected / Double(d).squareRoot(), "mean \(mean)")
        // Had the noise been clipped with the data, it would be ~1e-28 times smaller.
        #expect(deviation > 0.05)
    }

    @Test func nanContributionIsRejectedBeforeClippingAndSumUnchanged() throws {
        let mechanism = try GaussianSumMechanism(shape: .flat(4), clipNorm: 1, noiseMultiplier: 1)
        var accumulator = mechanism.makeAccumulator()
        try accumulator.add([0.5, 0, 0, 0])
        #expect(throws: PrivacyError(code: .notANumber, reason: "")) { try accumulator.add([1, .nan, 0, 0]) }
        #expect(throws: PrivacyError(code: .infinite, reason: "")) { try accumulator.add([1, 0, -.infinity, 0]) }
        #expect(throws: PrivacyError(code: .shapeMismatch, reason: "")) { try accumulator.add([1, 0, 0]) }
        #expect(accumulator.contributionCount == 1)
    }

    @Test func allZeroContributionsAreAccepted() throws {
        let mechanism = try GaussianSumMechanism(shape: .flat(1000), clipNorm: 1, noiseMultiplier: 0.5)
        var source = SeededNoiseSource(seed: 61)
        let release = try mechanism.release(
            Array(repeating: [Float](repeating: 0, count: 1000), count: 3),
            using: &source
        )
        #expect(release.values.count == 1000)
        let allFinite = release.values.allSatisfy { $0.isFinite }
        #expect(allFinite)
        #expect(release.countIsNoised)
    }

    @Test(arguments: [0.0, -1, .nan, .infinity])
    func zeroOrInvalidNoiseIsRefused(_ multiplier: Double) {
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) {
            try GaussianSumMechanism(shape: .flat(10), clipNorm: 1, noiseMultiplier: multiplier)
        }
    }

    @Test func latticeRoundingKeepsEachContributionWithinTheClipNorm() throws {
        let mechanism = try GaussianSumMechanism(shape: .flat(1_100_000), clipNorm: 1, noiseMultiplier: 1)
        #expect(mechanism.roundingClipNorm + mechanism.noise.granularity * Double(1_100_000).squareRoot() / 2 <= 1)
        #expect(mechanism.roundingClipNorm > 0.998)
        #expect(mechanism.noise.effectiveStandardDeviation >= 1)
    }

    @Test func noisedCountIsChargedJointly() throws {
        let mechanism = try GaussianSumMechanism(
            shape: .flat(8),
            clipNorm: 2,
            noiseMultiplier: 1,
            count: .noised(multiplier: 1)
        )
        let parameters = mechanism.accountedParameters(samplingRate: 0.5)
        #expect(abs(parameters.noiseMultiplier - 1 / 2.0.squareRoot()) < 1e-12)
        #expect(parameters.sensitivity == 2 && parameters.samplingRate == 0.5)
        let publicCount = try GaussianSumMechanism(
            shape: .flat(8),
            clipNorm: 2,
            noiseMultiplier: 1,
            count: .publicValue(10)
        )
        #expect(publicCount.accountedParameters().noiseMultiplier == 1)
    }

    @Test func localDPReferenceSigma() throws {
        let sigma = try GaussianCalibration.classicSigma(sensitivity: 1, epsilon: 1, delta: 1e-5)
        #expect(abs(sigma - 4.8448) < 5e-5, "σ = \(sigma)")
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) {
            try GaussianCalibration.classicSigma(sensitivity: 1, epsilon: 2, delta: 1e-5)
        }
    }
}

@Suite struct GaussianSumProductionPathTests {
    /// The default release draws from libsodium: two releases of the same data differ.
    @Test func defaultReleaseUsesFreshCSPRNGNoise() throws {
        let mechanism = try GaussianSumMechanism(shape: .flat(64), clipNorm: 1, noiseMultiplier: 1, count: .publicValue(3))
        var first = mechanism.makeAccumulator()
        var second = mechanism.makeAccumulator()
        for _ in 0..<3 {
            try first.add([Float](repeating: 0.1, count: 64))
            try second.add([Float](repeating: 0.1, count: 64))
        }
        let a = first.release()
        let b = second.release()
        #expect(a.values != b.values)
        #expect(a.count == 3 && !a.countIsNoised)
        #expect(first.contributionCount == 0)
    }
}
