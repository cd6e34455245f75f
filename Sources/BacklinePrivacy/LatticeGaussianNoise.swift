/// Gaussian noise on the lattice γℤ: γ · N_ℤ(0, ⌈(σ/γ)²⌉), with γ a power of two.
///
/// Drawing integers from the exact ``DiscreteGaussianSampler`` and scaling by a power of two keeps
/// every value exactly representable, so (unlike floating-point Gaussian noise, Mironov 2012) the
/// low-order bits of a release reveal nothing, provided the noised value is itself on the lattice
/// (``GaussianSumMechanism`` rounds clipped contributions to the lattice first). Rounding the
/// variance up makes the noise at least as large as asked for.
public struct LatticeGaussianNoise: Sendable, Hashable {
    /// The standard deviation asked for.
    public let standardDeviation: Double
    /// The lattice step γ, a power of two.
    public let granularity: Double
    /// The sampler of the integer multiples of γ.
    public let sampler: DiscreteGaussianSampler

    /// Noise with standard deviation at least `standardDeviation` on the lattice of step `granularity`.
    /// - Throws: `invalid_parameter` if σ is not finite and > 0, γ is not a positive power of two, or
    ///   (σ/γ)² exceeds ``DiscreteGaussianSampler/maximumVariance``.
    public init(standardDeviation: Double, granularity: Double) throws {
        guard standardDeviation.isFinite, standardDeviation > 0 else {
            throw PrivacyError.invalidParameter(
                "noise standard deviation",
                standardDeviation,
                expected: "a finite number > 0"
            )
        }
        guard granularity.isFinite, granularity > 0, granularity.significand == 1 else {
            throw PrivacyError.invalidParameter("lattice granularity", granularity, expected: "a positive power of two")
        }
        let latticeVariance = (standardDeviation / granularity) * (standardDeviation / granularity)
        guard latticeVariance <= Double(DiscreteGaussianSampler.maximumVariance) else {
            throw PrivacyError.invalidParameter(
                "noise σ over lattice step",
                standardDeviation / granularity,
                expected: "at most 2^26 (use a coarser lattice)"
            )
        }
        self.standardDeviation = standardDeviation
        self.granularity = granularity
        self.sampler = try DiscreteGaussianSampler(variance: max(1, UInt64(latticeVariance.rounded(.up))))
    }

    /// The standard deviation of the noise actually drawn (≥ ``standardDeviation``, up to the
    /// discrete Gaussian's variance being marginally below σ² for σ/γ of a few units).
    public var effectiveStandardDeviation: Double { Double(sampler.variance).squareRoot() * granularity }

    /// One draw, as a whole number of lattice steps.
    public func sampleSteps(using source: inout some NoiseRandomSource) -> Int64 {
        sampler.sample(using: &source)
    }

    /// One draw, as a real number (exact in Double for |steps| < 2^53).
    public func sample(using source: inout some NoiseRandomSource) -> Double {
        Double(sampler.sample(using: &source)) * granularity
    }
}
