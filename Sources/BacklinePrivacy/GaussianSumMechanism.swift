/// The node-side mechanism of a round: clip each member's contribution to L2 norm C, sum, add
/// Gaussian noise of standard deviation σ·C to every coordinate, and release only the noised sum
/// and a public or noised count.
///
/// Exactness: contributions are clipped to C' = C − γ√d/2 in Double and rounded to the lattice γℤ
/// (γ a power of two, at most 2·10⁻³·C/√d where the noise allows), so each rounded contribution
/// still has norm ≤ C and the sum is exact in Int64. Noise comes from ``LatticeGaussianNoise`` (the
/// exact discrete Gaussian of Canonne–Kamath–Steinke on the same lattice) fed by a
/// ``NoiseRandomSource`` (``SecureNoiseSource`` in production). The discrete Gaussian on ℤ^d has
/// the same Rényi divergence bound α‖Δ‖²/(2σ²) as the continuous one (CKS 2020, Prop. 5, composed
/// over independent coordinates), so the accountant's formulas apply; for q < 1 the accountant
/// uses the continuous subsampled-Gaussian analysis, which for σ/γ in the thousands and more is
/// the standard practice (an exact subsampled-discrete analysis is not implemented).
public struct GaussianSumMechanism: Sendable, Hashable {
    /// Shape of the vectors summed.
    public let shape: ParameterShape
    /// The clipping norm C (the L2 sensitivity of the sum).
    public let clipNorm: Double
    /// The noise multiplier z: the noise std is z·C.
    public let noiseMultiplier: Double
    /// How the count is reported.
    public let count: CountRelease
    /// The noise on the sum.
    public let noise: LatticeGaussianNoise
    /// The norm contributions are clipped to before lattice rounding (C − γ√d/2, slightly less).
    public let roundingClipNorm: Double
    let countNoise: LatticeGaussianNoise?

    /// The largest share of C the lattice rounding may take (γ√d/2 ≤ this · C), if the noise allows.
    static let roundingShare = 1e-3

    /// A mechanism for vectors of `shape`, clipping to `clipNorm` with noise multiplier `noiseMultiplier`.
    /// - Throws: `invalid_parameter` for a non-finite or non-positive C or z, an empty shape, or a noise
    ///   too large relative to C for the lattice (z·√d above about 10⁴).
    public init(
        shape: ParameterShape,
        clipNorm: Double,
        noiseMultiplier: Double,
        count: CountRelease = .noised(multiplier: 10)
    ) throws {
        _ = try ContributionClipper(clipNorm: clipNorm)
        guard noiseMultiplier.isFinite, noiseMultiplier > 0 else {
            throw PrivacyError.invalidParameter(
                "noise multiplier z",
                noiseMultiplier,
                expected: "a finite number > 0 (0 would release raw data)"
            )
        }
        guard shape.count > 0 else {
            throw PrivacyError.invalidParameter("parameter count", shape.count, expected: "> 0")
        }
        self.shape = shape
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.count = try count.validated()
        let root = Double(shape.count).squareRoot()
        let standardDeviation = noiseMultiplier * clipNorm
        var granularity = Self.powerOfTwo(atMost: 2 * Self.roundingShare * clipNorm / root)
        while standardDeviation / granularity > Double(1 << 26) { granularity *= 2 }
        let margin = granularity * root / 2
        guard margin <= clipNorm / 2 else {
            throw PrivacyError.invalidParameter(
                "noise multiplier z",
                noiseMultiplier,
                expected: "small enough that z·√d ≤ 10⁴ (lattice)"
            )
        }
        self.noise = try LatticeGaussianNoise(standardDeviation: standardDeviation, granularity: granularity)
        self.roundingClipNorm = (clipNorm - margin) * (1 - 1e-12)
        self.countNoise = try self.count.noiseMultiplier.map {
            try LatticeGaussianNoise(standardDeviation: $0, granularity: 1.0 / 256)
        }
    }

    /// What the ledger charges for one release with Poisson sampling rate `samplingRate` over
    /// `steps` steps: the combined multiplier of sum and count, sensitivity C.
    public func accountedParameters(samplingRate: Double = 1, steps: Int = 1) -> MechanismParameters {
        MechanismParameters(
            noiseMultiplier: count.combinedMultiplier(withSum: noiseMultiplier),
            samplingRate: samplingRate,
            steps: steps,
            sensitivity: clipNorm
        )
    }

    /// An empty sum to add contributions to.
    public func makeAccumulator() -> GaussianSumAccumulator { GaussianSumAccumulator(mechanism: self) }

    /// Clips and sums `contributions`, then noises the sum: a convenience over ``makeAccumulator()``.
    /// - Throws: the first contribution's `shape`, `nan` or `inf` error; nothing is released then.
    public func release(_ contributions: [[Float]], using source: inout some NoiseRandomSource) throws -> NoisedRelease {
        var accumulator = makeAccumulator()
        for contribution in contributions { try accumulator.add(contribution) }
        return accumulator.release(using: &source)
    }

    static func powerOfTwo(atMost value: Double) -> Double {
        let candidate = Double(sign: .plus, exponent: value.exponent, significand: 1)
        return candidate > value ? candidate / 2 : candidate
    }
}
