/// The parameters of one (possibly repeated) Poisson-subsampled Gaussian release: what the
/// accountant needs, and what the ledger records.
///
/// The Gaussian noise on every coordinate has standard deviation `noiseMultiplier · sensitivity`.
/// The privacy cost depends only on `noiseMultiplier`, `samplingRate` and `steps`; `sensitivity`
/// (the clipping norm C, or Δ of an analytics query) is recorded so an auditor can check the noise.
public struct MechanismParameters: Codable, Hashable, Sendable {
    /// σ as a multiple of the L2 sensitivity (the "noise multiplier" z).
    public var noiseMultiplier: Double
    /// Poisson sampling rate q in (0, 1]; 1 means every member takes part.
    public var samplingRate: Double
    /// How many times the mechanism runs (training steps in the round, or 1 for a query).
    public var steps: Int
    /// The L2 sensitivity: the clipping norm C, or Δ of a query.
    public var sensitivity: Double

    /// Largest step count one record may carry.
    public static let maximumSteps = 1_000_000_000

    /// Parameters of a release; check them with ``validated()`` before use.
    public init(noiseMultiplier: Double, samplingRate: Double = 1, steps: Int = 1, sensitivity: Double = 1) {
        self.noiseMultiplier = noiseMultiplier
        self.samplingRate = samplingRate
        self.steps = steps
        self.sensitivity = sensitivity
    }

    /// The standard deviation of the noise on each coordinate, `noiseMultiplier · sensitivity`.
    public var noiseStandardDeviation: Double { noiseMultiplier * sensitivity }

    /// These parameters, after checking that every one is finite and in range.
    /// - Throws: ``PrivacyError`` `invalid_parameter` naming the first bad field.
    public func validated() throws -> Self {
        guard noiseMultiplier.isFinite, noiseMultiplier > 0 else {
            throw PrivacyError.invalidParameter("noise multiplier σ", noiseMultiplier, expected: "a finite number > 0")
        }
        guard samplingRate.isFinite, samplingRate > 0, samplingRate <= 1 else {
            throw PrivacyError.invalidParameter("sampling rate q", samplingRate, expected: "a number in (0, 1]")
        }
        guard steps >= 1, steps <= Self.maximumSteps else {
            throw PrivacyError.invalidParameter("steps", steps, expected: "a whole number in 1...\(Self.maximumSteps)")
        }
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw PrivacyError.invalidParameter("sensitivity", sensitivity, expected: "a finite number > 0")
        }
        return self
    }
}
