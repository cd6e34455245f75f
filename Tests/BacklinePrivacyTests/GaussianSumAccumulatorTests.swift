import BacklineCore
import Testing

@testable import BacklinePrivacy

/// The accumulator's exact lattice sum: per-thread partial sums merge into the same bits as one
/// sum, and the vectorised rounding equals round-half-even.
@Suite struct GaussianSumAccumulatorTests {
    static func contributions(_ count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { member in
            // Mixed magnitudes: some members far above the clip norm, some far below.
            let scale = Float(member % 3 == 0 ? 50 : 0.01)
            return (0..<dimension).map { _ in Float(generator.nextGaussian()) * scale }
        }
    }

    @Test(arguments: [1, 2, 3, 7]) func mergedPartialSumsReleaseTheSameBitsAsOneSum(parts: Int) throws {
        let mechanism = try GaussianSumMechanism(shape: .flat(257), clipNorm: 1, noiseMultiplier: 0.7)
        let all = Self.contributions(40, dimension: 257, seed: 3)
        var single = mechanism.makeAccumulator()
        for contribution in all { try single.add(contribution) }
        var partials = (0..<parts).map { _ in mechanism.makeAccumulator() }
        for (index, contribution) in all.enumerated() { try partials[index % parts].add(contribution) }
        var merged = mechanism.makeAccumulator()
        for index in partials.indices.reversed() { try merged.merge(&partials[index]) }
        #expect(merged.contributionCount == all.count)
        #expect(partials.allSatisfy { $0.contributionCount == 0 })
        var sourceA = SeededNoiseSource(seed: 9)
        var sourceB = SeededNoiseSource(seed: 9)
        let expected = single.release(using: &sourceA)
        let actual = merged.release(using: &sourceB)
        #expect(actual.values == expected.values)
        #expect(actual.count == expected.count)
    }

    @Test func mergingAnotherMechanismsSumIsRefusedAndChangesNothing() throws {
        let mechanism = try GaussianSumMechanism(shape: .flat(4), clipNorm: 1, noiseMultiplier: 1)
        let other = try GaussianSumMechanism(shape: .flat(4), clipNorm: 2, noiseMultiplier: 1)
        var accumulator = mechanism.makeAccumulator()
        var foreign = other.makeAccumulator()
        try accumulator.add([0.5, 0, 0, 0])
        try foreign.add([0, 0.5, 0, 0])
        #expect(throws: PrivacyError(code: .shapeMismatch, reason: "")) { try accumulator.merge(&foreign) }
        #expect(accumulator.contributionCount == 1)
        #expect(foreign.contributionCount == 1)
    }

    @Test func latticeRoundingIsRoundHalfEvenOverTheWholeRange() {
        var generator = SeededGenerator(seed: 12)
        var values: [Float] = [0, -0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1e-30, -3.25, 0x1p40, -0x1p40, 0x1p40 + 0.5]
        for _ in 0..<1000 { values.append(Float(generator.nextGaussian() * 1e6)) }
        for factor in [1.0, 0.5, 3.7, 0x1p10] {
            var sums = [Int64](repeating: 7, count: values.count)
            values.withUnsafeBufferPointer { input in
                sums.withUnsafeMutableBufferPointer { LatticeRounding.addSteps(of: input, scaledBy: factor, into: $0) }
            }
            let expected = values.map { 7 + Int64((Double($0) * factor).rounded(.toNearestOrEven)) }
            #expect(sums == expected, "factor \(factor)")
        }
    }
}
