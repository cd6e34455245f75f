public import BacklinePrivacy

/// The differential-privacy settings of a node's training releases: each member's whole
/// contribution is clipped to L2 norm C, the sum gets N(0, (zC)²) per coordinate, and the count
/// gets N(0, z_c²); the ledger charges the combined multiplier (z⁻² + z_c⁻²)^(−1/2).
public struct PrivacySettings: Sendable, Hashable {
    /// Clipping norm C of one member's contribution.
    public let clipNorm: Double
    /// Noise multiplier z of the sum.
    public let noiseMultiplier: Double
    /// Noise standard deviation z_c of the member count (sensitivity 1).
    public let countNoiseMultiplier: Double

    /// Settings; throws `invalid_parameter` for a non-positive or non-finite value.
    public init(clipNorm: Double, noiseMultiplier: Double, countNoiseMultiplier: Double) throws {
        for (name, value) in [
            ("clip norm C", clipNorm), ("noise multiplier z", noiseMultiplier), ("count noise multiplier", countNoiseMultiplier),
        ]
        where !(value.isFinite && value > 0) {
            throw FederationError.invalidParameter(name, value, expected: "a finite number > 0")
        }
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.countNoiseMultiplier = countNoiseMultiplier
    }

    /// Share of the privacy cost the count takes: z_c = z·`countShareFactor`.
    static let countShareFactor = 10.0

    /// The settings that spend at most (`targetEpsilon`, `delta`) over `rounds` releases at Poisson
    /// rate `samplingRate` (RDP accountant): the combined multiplier is the smallest σ* that fits,
    /// the count takes z_c = 10σ* and the sum z = σ*/√(1 − 1/100).
    /// - Throws: `invalid_parameter` or the accountant's errors for an unreachable target.
    public static func calibrated(
        targetEpsilon: Double,
        delta: Double,
        samplingRate: Double,
        rounds: Int,
        clipNorm: Double
    ) throws -> Self {
        guard rounds >= 1 else { throw FederationError.invalidParameter("rounds", rounds, expected: "≥ 1") }
        let combined = try RDPAccountant.noiseMultiplier(
            targetEpsilon: targetEpsilon,
            delta: delta,
            samplingRate: samplingRate,
            steps: rounds,
            maximum: 1e5
        )
        let countMultiplier = combined * countShareFactor
        let share = 1 / (countShareFactor * countShareFactor)
        let sumMultiplier = combined / (1 - share).squareRoot() * (1 + 1e-9)
        return try Self(clipNorm: clipNorm, noiseMultiplier: sumMultiplier, countNoiseMultiplier: countMultiplier)
    }

    /// The mechanism for vectors of `count` values.
    /// - Throws: the mechanism's `invalid_parameter` (e.g. z·√d above the lattice limit).
    public func mechanism(parameterCount count: Int) throws -> GaussianSumMechanism {
        try GaussianSumMechanism(
            shape: ParameterShape.flat(count),
            clipNorm: clipNorm,
            noiseMultiplier: noiseMultiplier,
            count: .noised(multiplier: countNoiseMultiplier)
        )
    }
}
