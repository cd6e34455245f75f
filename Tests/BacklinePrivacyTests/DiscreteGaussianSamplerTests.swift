import BacklineCore
import Foundation
import Testing

@testable import BacklinePrivacy

@Suite struct DiscreteGaussianSamplerTests {
    @Test func smallVarianceMatchesTheExactProbabilities() throws {
        // σ² = 4: compare the empirical frequencies of −6…6 with exp(−x²/8)/Z over 100 000 draws.
        let sampler = try DiscreteGaussianSampler(variance: 4)
        var source = SeededNoiseSource(seed: 11)
        let n = 100_000
        var counts: [Int64: Int] = [:]
        for _ in 0..<n { counts[sampler.sample(using: &source), default: 0] += 1 }
        let normaliser = (-60...60).reduce(0.0) { $0 + exp(-Double($1 * $1) / 8) }
        for x in -6...6 {
            let p = exp(-Double(x * x) / 8) / normaliser
            let observed = Double(counts[Int64(x), default: 0]) / Double(n)
            let tolerance = 5 * (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(observed - p) <= tolerance, "P(\(x)): observed \(observed), exact \(p)")
        }
    }

    @Test func largeVarianceHasTheRightMoments() throws {
        let sampler = try DiscreteGaussianSampler(variance: 1_000_000)
        var source = SeededNoiseSource(seed: 12)
        let draws = (0..<50_000).map { _ in Double(sampler.sample(using: &source)) }
        let (mean, deviation) = moments(draws)
        #expect(abs(deviation - 1000) < 15, "std \(deviation)")
        #expect(abs(mean) < 4 * 1000 / Double(draws.count).squareRoot(), "mean \(mean)")
    }

    @Test func productionSourceProducesDistinctNoise() throws {
        // libsodium's CSPRNG: two sequences of 64 draws are never equal (probability ~0 otherwise).
        let sampler = try DiscreteGaussianSampler(variance: 1 << 40)
        var first = SecureNoiseSource()
        var second = SecureNoiseSource()
        let a = (0..<64).map { _ in sampler.sample(using: &first) }
        let b = (0..<64).map { _ in sampler.sample(using: &second) }
        #expect(a != b)
        #expect(Set(a).count > 60)
    }

    @Test(arguments: [UInt64(0), DiscreteGaussianSampler.maximumVariance + 1])
    func outOfRangeVarianceIsRefused(_ variance: UInt64) {
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) {
            try DiscreteGaussianSampler(variance: variance)
        }
    }
}

/// The sampler's building blocks, reached through `@testable`.
@Suite struct ExactBernoulliTests {
    @Test(arguments: [
        (UInt128(1), UInt128(3)), (UInt128(1) << 100, UInt128(3) << 100 + 1), (UInt128(7), UInt128(1_000)),
    ])
    func bernoulliFrequencyMatchesTheFraction(_ fraction: (UInt128, UInt128)) {
        var source = SeededNoiseSource(seed: 99)
        var bits = RandomBits()
        let n = 200_000
        var hits = 0
        for _ in 0..<n
        where DiscreteGaussianSampler.bernoulli(numerator: fraction.0, denominator: fraction.1, using: &source, &bits) {
            hits += 1
        }
        let p = Double(fraction.0) / Double(fraction.1)
        #expect(
            abs(Double(hits) / Double(n) - p) <= 5 * (p * (1 - p) / Double(n)).squareRoot(),
            "p = \(p), got \(Double(hits) / Double(n))"
        )
    }

    @Test func bernoulliOfExponentialMatchesExp() {
        var source = SeededNoiseSource(seed: 98)
        var bits = RandomBits()
        let n = 100_000
        for (numerator, denominator) in [
            (UInt128(1), UInt128(1)), (UInt128(5), UInt128(2)), (UInt128(1) << 90, UInt128(3) << 89),
        ] {
            var hits = 0
            for _ in 0..<n
            where DiscreteGaussianSampler.bernoulliExp(
                numerator: numerator,
                denominator: denominator,
                using: &source,
                &bits
            ) {
                hits += 1
            }
            let p = exp(-Double(numerator) / Double(denominator))
            #expect(abs(Double(hits) / Double(n) - p) <= 5 * (p * (1 - p) / Double(n)).squareRoot(), "p = \(p)")
        }
    }

    @Test func uniformBelowBoundIsUnbiased() {
        var source = SeededNoiseSource(seed: 97)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[Int(DiscreteGaussianSampler.uniform(below: 7, using: &source))] += 1 }
        for count in counts { #expect(abs(count - 10_000) < 5 * 93) }
    }
}

@Suite struct SecureNoiseSourceTests {
    /// A copied source must not replay the words its original hands out (reused noise cancels).
    @Test func copiesNeverRepeatWords() {
        var original = SecureNoiseSource()
        _ = original.next()
        var copy = original
        let fromOriginal = (0..<600).map { _ in original.next() }
        let fromCopy = (0..<600).map { _ in copy.next() }
        #expect(Set(fromOriginal).isDisjoint(with: fromCopy))
    }

    /// SECURITY-TESTS 68 with the production CSPRNG: 100 000 draws at σ = 1.1 have std within 1 %
    /// and mean within 4σ/√N.
    @Test func productionNoiseHasTheCalibratedMoments() throws {
        let noise = try LatticeGaussianNoise(standardDeviation: 1.1, granularity: 0x1p-12)
        var source = SecureNoiseSource()
        let draws = (0..<100_000).map { _ in noise.sample(using: &source) }
        let (mean, deviation) = moments(draws)
        #expect(abs(deviation - 1.1) <= 0.011, "std \(deviation)")
        #expect(abs(mean) <= 4 * 1.1 / Double(draws.count).squareRoot(), "mean \(mean)")
    }
}
