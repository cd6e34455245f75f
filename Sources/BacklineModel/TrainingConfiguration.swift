/// Hyper-parameters of ALS training.
public struct TrainingConfiguration: Sendable, Equatable {
    /// Number of latent factors k.
    public var factors: Int = 64
    /// λ on member and artist own factors.
    public var regularization: Float = 10
    /// λ on side-feature embeddings.
    public var featureRegularization: Float = 10
    /// Confidence model.
    public var weighting: ConfidenceWeighting = .log(alpha: 2)
    /// Full sweeps (members, member features, artists, artist features).
    public var iterations: Int = 15
    /// Conjugate-gradient steps per own-factor solve (warm-started).
    public var conjugateGradientSteps: Int = 3
    /// Conjugate-gradient steps on each side's embedding table per sweep.
    public var featureGradientSteps: Int = 3
    /// Standard deviation of the initial artist factors.
    public var initialScale: Float = 0.01
    /// Seed of the initialisation.
    public var seed: UInt64 = 42
    /// Worker threads; results are deterministic for a given seed and thread count.
    public var threads: Int = 1

    /// The defaults.
    public init() {}

    /// Throws `invalidArgument` on a value out of range.
    public func validate() throws {
        guard factors > 0, factors <= 4096 else { throw ModelError.invalidArgument("factors must be in 1...4096, got \(factors)") }
        guard regularization.isFinite, regularization > 0 else {
            throw ModelError.invalidArgument("regularization must be finite and > 0, got \(regularization)")
        }
        guard featureRegularization.isFinite, featureRegularization > 0 else {
            throw ModelError.invalidArgument("feature regularization must be finite and > 0, got \(featureRegularization)")
        }
        guard iterations >= 0, conjugateGradientSteps > 0, featureGradientSteps >= 0 else {
            throw ModelError.invalidArgument("iterations ≥ 0 and conjugate-gradient steps > 0 are required")
        }
        guard initialScale.isFinite, initialScale > 0 else { throw ModelError.invalidArgument("initial scale must be > 0") }
        guard threads > 0, threads <= 256 else { throw ModelError.invalidArgument("threads must be in 1...256, got \(threads)") }
        try weighting.validate()
    }
}
