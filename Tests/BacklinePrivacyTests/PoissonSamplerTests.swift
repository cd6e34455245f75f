import BacklineCore
import BacklineCrypto
import BacklinePrivacy
import Testing

@Suite struct PoissonSamplerTests {
    @Test func rateOneTakesEveryone() throws {
        let sampler = try PoissonSampler(rate: 1, seed: SecureRandom.secureBytes(32))
        #expect(try sampler.sample(memberCount: 1000, round: 3) == Array(0..<1000))
    }

    @Test func sampleSizeFollowsTheRateAndIsReproducible() throws {
        let seed = SecureRandom.secureBytes(32)
        let sampler = try PoissonSampler(rate: 0.1, seed: seed)
        let first = try sampler.sample(memberCount: 20_000, round: 7)
        // Binomial(20 000, 0.1): mean 2000, sd ≈ 42.
        #expect(abs(first.count - 2000) < 5 * 43, "sampled \(first.count)")
        #expect(try PoissonSampler(rate: 0.1, seed: seed).sample(memberCount: 20_000, round: 7) == first)
        #expect(try sampler.sample(memberCount: 20_000, round: 8) != first)
        let other = try PoissonSampler(rate: 0.1, seed: SecureRandom.secureBytes(32)).sample(
            memberCount: 20_000,
            round: 7
        )
        #expect(other != first)
    }

    @Test func badRateOrSeedIsRefused() throws {
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) {
            try PoissonSampler(rate: 0, seed: SecureRandom.secureBytes(32))
        }
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) {
            try PoissonSampler(rate: 0.5, seed: SecureRandom.secureBytes(16))
        }
    }
}
