internal import BacklineCore

/// What ``ALSTrainer/train(interactions:features:recordObjective:progress:)`` returns.
public struct TrainingResult: Sendable {
    /// The global part of the model.
    public var model: FactorModel
    /// Member own factors P (local state; never saved in the model file).
    public var memberFactors: DenseMatrix
    /// Member representations U = P + F·E.
    public var memberRepresentations: DenseMatrix
    /// The full objective after each sweep (empty unless recorded).
    public var objective: [Double]
}

/// Alternating least squares for implicit feedback with side features: each sweep solves
/// member own factors (CG, or exact Woodbury for small rows), member-feature embeddings (CG on
/// the whole table), artist own factors and artist-feature embeddings, each with the other
/// blocks fixed, so the objective never increases. Multi-threaded over rows; deterministic for
/// a given seed and thread count.
///
/// Objective: Σ_{m,a} c_ma (p_ma − u_m·v_a)² + λ(‖P‖² + ‖Q‖²) + λ_f(‖E‖² + ‖T‖²), with
/// u = P + F_member·E, v = Q + F_artist·T, p = 1 on observed pairs (c = 1 + extra) and 0 elsewhere (c = 1).
public struct ALSTrainer: Sendable {
    /// The hyper-parameters.
    public let configuration: TrainingConfiguration

    /// A trainer; throws `invalidArgument` for an invalid configuration.
    public init(configuration: TrainingConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
    }

    /// One sweep's progress, reported after it ends.
    public struct Progress: Sendable {
        /// Sweep number, from 1.
        public let iteration: Int
        /// Seconds the sweep took.
        public let seconds: Double
        /// Objective after the sweep, if recorded.
        public let objective: Double?
    }

    /// Trains on `interactions` (members × artists, raw strengths) and `features`.
    /// - Throws: `invalidShape` when the feature tables do not match the interaction matrix.
    public func train(
        interactions: SparseMatrix,
        features: SideFeatures,
        recordObjective: Bool = false,
        progress: (@Sendable (Progress) -> Void)? = nil
    ) throws -> TrainingResult {
        guard features.members.rowCount == interactions.rowCount, features.artists.rowCount == interactions.columnCount else {
            throw ModelError.invalidShape(
                "feature tables cover \(features.members.rowCount) members and \(features.artists.rowCount) artists, interactions \(interactions.rowCount) x \(interactions.columnCount)"
            )
        }
        let config = configuration
        let k = config.factors
        let memberConfidence = config.weighting.extraConfidence(for: interactions)
        let artistConfidence = memberConfidence.transposed()
        var generator = SeededGenerator(seed: config.seed)
        var q = DenseMatrix.random(rows: interactions.columnCount, columns: k, scale: config.initialScale, generator: &generator)
        var t = DenseMatrix(rows: features.artists.columnCount, columns: k)
        var e = DenseMatrix(rows: features.members.columnCount, columns: k)
        var p = DenseMatrix(rows: interactions.rowCount, columns: k)
        var objective: [Double] = []
        var memberRepresentations = p
        for iteration in 0..<config.iterations {
            let start = DispatchClock.seconds()
            let artistReps = SideSystem(
                confidence: .empty(rowCount: q.rows, columnCount: 0),
                other: DenseMatrix(rows: 0, columns: k),
                lambda: config.regularization,
                features: features.artists,
                embeddings: t,
                threads: config.threads
            )
            .representations(own: q)
            var memberSystem = SideSystem(
                confidence: memberConfidence,
                other: artistReps,
                lambda: config.regularization,
                features: features.members,
                embeddings: e,
                threads: config.threads
            )
            memberSystem.solveOwn(&p, steps: config.conjugateGradientSteps)
            memberSystem.solveEmbeddings(&e, own: p, featureLambda: config.featureRegularization, steps: config.featureGradientSteps)
            memberSystem = memberSystem.replacingEmbeddings(e)
            memberRepresentations = memberSystem.representations(own: p)

            var artistSystem = SideSystem(
                confidence: artistConfidence,
                other: memberRepresentations,
                lambda: config.regularization,
                features: features.artists,
                embeddings: t,
                threads: config.threads
            )
            artistSystem.solveOwn(&q, steps: config.conjugateGradientSteps)
            artistSystem.solveEmbeddings(&t, own: q, featureLambda: config.featureRegularization, steps: config.featureGradientSteps)
            artistSystem = artistSystem.replacingEmbeddings(t)
            var value: Double?
            if recordObjective {
                let data = artistSystem.dataLoss(representations: artistSystem.representations(own: q))
                let own = Self.squaredNorm(p) + Self.squaredNorm(q)
                let embed = Self.squaredNorm(e) + Self.squaredNorm(t)
                value = data + Double(config.regularization) * own + Double(config.featureRegularization) * embed
                objective.append(value!)
            }
            progress?(Progress(iteration: iteration + 1, seconds: DispatchClock.seconds() - start, objective: value))
        }
        let model = try FactorModel(
            artistFactors: q,
            artistEmbeddings: t,
            memberEmbeddings: e,
            artistFeatures: features.artists,
            regularization: config.regularization,
            weighting: config.weighting
        )
        return TrainingResult(model: model, memberFactors: p, memberRepresentations: memberRepresentations, objective: objective)
    }

    static func squaredNorm(_ matrix: DenseMatrix) -> Double {
        matrix.storage.reduce(0.0) { $0 + Double($1) * Double($1) }
    }
}

extension SideSystem {
    /// The same system with other feature embeddings (the Gram matrix is kept).
    func replacingEmbeddings(_ embeddings: DenseMatrix) -> SideSystem {
        SideSystem(copying: self, embeddings: embeddings)
    }

    init(copying system: SideSystem, embeddings: DenseMatrix) {
        factors = system.factors
        confidence = system.confidence
        other = system.other
        gram = system.gram
        lambda = system.lambda
        features = system.features
        self.embeddings = embeddings
        threads = system.threads
    }
}
