internal import BacklineCore
public import BacklineModel

/// What every party of a federation agrees on before training: the public artist catalogue with
/// its feature table, the number of member features, the factor width and the hyper-parameters.
/// The global parameters (artist factors, artist- and member-feature embeddings) are defined by it.
public struct ModelSpecification: Sendable, Equatable {
    /// Artists × artist features (weights); public.
    public let artistFeatures: SparseMatrix
    /// Number of member features (age band, gender, interests, …).
    public let memberFeatureCount: Int
    /// Factor width k.
    public let factors: Int
    /// λ on own factors (member and artist).
    public let regularization: Float
    /// λ_f on feature embeddings.
    public let featureRegularization: Float
    /// Confidence model of the implicit feedback.
    public let weighting: ConfidenceWeighting

    /// A specification; throws `invalid_parameter` for k < 1 or a non-positive or non-finite λ.
    public init(
        artistFeatures: SparseMatrix,
        memberFeatureCount: Int,
        factors: Int,
        regularization: Float,
        featureRegularization: Float,
        weighting: ConfidenceWeighting
    ) throws {
        guard factors >= 1, factors <= 1024 else { throw FederationError.invalidParameter("factors k", factors, expected: "1...1024") }
        guard memberFeatureCount >= 0 else {
            throw FederationError.invalidParameter("member feature count", memberFeatureCount, expected: "≥ 0")
        }
        for (name, value) in [("regularization λ", regularization), ("feature regularization λ_f", featureRegularization)]
        where !(value.isFinite && value > 0) {
            throw FederationError.invalidParameter(name, value, expected: "a finite number > 0")
        }
        try weighting.validate()
        self.artistFeatures = artistFeatures
        self.memberFeatureCount = memberFeatureCount
        self.factors = factors
        self.regularization = regularization
        self.featureRegularization = featureRegularization
        self.weighting = weighting
    }

    /// Number of artists.
    public var artistCount: Int { artistFeatures.rowCount }

    /// The starting global parameters everyone derives from the public `seed`: small random artist
    /// factors (scale `scale`), zero embeddings (as ``ALSTrainer`` starts).
    public func initialParameters(seed: UInt64, scale: Float = 0.01) throws -> ParameterSet {
        var generator = SeededGenerator(seed: seed)
        let q = DenseMatrix.random(rows: artistCount, columns: factors, scale: scale, generator: &generator)
        return try model(
            q: q,
            t: DenseMatrix(rows: artistFeatures.columnCount, columns: factors),
            e: DenseMatrix(rows: memberFeatureCount, columns: factors)
        ).parameters
    }

    /// The factor model with global parameters `parameters`.
    /// - Throws: the model's `invalid_shape` or `non_finite` when they do not fit.
    public func model(_ parameters: ParameterSet) throws -> FactorModel {
        try FactorModel(parameters: parameters, artistFeatures: artistFeatures, regularization: regularization, weighting: weighting)
    }

    private func model(q: DenseMatrix, t: DenseMatrix, e: DenseMatrix) throws -> FactorModel {
        try FactorModel(
            artistFactors: q,
            artistEmbeddings: t,
            memberEmbeddings: e,
            artistFeatures: artistFeatures,
            regularization: regularization,
            weighting: weighting
        )
    }

    /// The ALS configuration with the same hyper-parameters (for the pooled and alone baselines).
    public func trainingConfiguration(iterations: Int, threads: Int, seed: UInt64) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.factors = factors
        configuration.regularization = regularization
        configuration.featureRegularization = featureRegularization
        configuration.weighting = weighting
        configuration.iterations = iterations
        configuration.threads = threads
        configuration.seed = seed
        return configuration
    }
}
