public import BacklineModel
public import BacklinePrivacy

/// The server side of federated training: combines the nodes' releases of a round into the mean
/// gradient of the federation's objective and moves the global parameters with a server optimizer
/// (``BacklinePrivacy/FederatedStrategy``: weighted mean, then SGD — the FedAvg-style gradient
/// step — or FedAdam / FedYogi).
///
/// The objective is the ALS objective Σ_m loss_m + λ‖Q‖² + λ_f(‖T‖² + ‖E‖²) divided by the number
/// of members: node p releases S_p (sum of its members' gradients) and N_p (count), the server forms
/// Δ_p = −(S_p/N_p + r/N) with r the gradient of the regularisers and N = Σ N_p, and the strategy's
/// N_p-weighted mean gives −(ΣS_p/N + r/N), the negative mean gradient.
///
/// Why this converges: each round is one block step of alternating minimisation. The member block
/// (own factors) is minimised exactly on the nodes (closed form), and the global block takes one
/// optimizer step along the exact gradient of the objective with the member block fixed (in
/// non-private mode; with DP, an unbiased noised estimate of the clipped gradient). The
/// objective is a smooth function of the global block with the member block at its minimiser
/// (envelope theorem: the gradient with the own factors held fixed is the gradient of the reduced
/// objective), so this is gradient descent on the reduced objective; Adam's per-coordinate scaling
/// makes one learning rate work for artist factors and embeddings whose curvatures differ by orders
/// of magnitude (popular artists vs. the long tail). Local ALS sweeps on the global block are not
/// interleaved: a node's own ALS solution of Q would fit only its members and would need to be
/// released in full, outside the member-level clipping.
public struct FederatedTrainer: Sendable {
    /// The agreed model layout and hyper-parameters.
    public let specification: ModelSpecification
    /// The current global parameters.
    public private(set) var parameters: ParameterSet
    /// The aggregation strategy.
    public let strategy: FederatedStrategy
    private var state: ServerOptimizerState = .initial
    private let conversion: GradientSumConversion

    /// A trainer from `initial` parameters with `optimizer`, publishing only rounds with at least
    /// `minimumContributions` nodes.
    /// - Throws: `shape_mismatch` when `initial` does not fit the specification; the strategy's errors.
    public init(
        specification: ModelSpecification,
        initial: ParameterSet,
        optimizer: ServerOptimizer,
        minimumContributions: Int = FederatedStrategy.defaultMinimumContributions
    ) throws {
        do { _ = try specification.model(initial) } catch {
            throw FederationError.shapeMismatch("initial parameters", "\(error)")
        }
        self.specification = specification
        self.parameters = initial
        self.strategy = try FederatedStrategy(rule: .weightedMean, optimizer: optimizer, minimumContributions: minimumContributions)
        conversion = GradientSumConversion(
            parameters: initial,
            regularization: specification.regularization,
            featureRegularization: specification.featureRegularization
        )
    }

    /// Applies round `round`'s releases.
    /// - Throws: `round_not_published` when the strategy publishes nothing (too few nodes, a refused
    ///   update); `shape_mismatch` for a release of the wrong length. Parameters are unchanged then.
    public mutating func apply(round: UInt64, releases: [NodeRelease]) throws {
        let global = parameters.flattened()
        if let wrong = releases.first(where: { $0.gradientSum.count != global.count }) {
            throw FederationError.shapeMismatch(
                "release of '\(wrong.node)'",
                "\(wrong.gradientSum.count) values, the model \(global.count)"
            )
        }
        let counts = releases.map { max($0.count, 1) }
        let total = counts.reduce(0, +)
        let shape = try ParameterShape.flat(global.count)
        let validator = try UpdateValidator(round: round, shape: shape, maximumSampleCount: 1e12)
        var updates: [ValidatedUpdate] = []
        for (release, count) in zip(releases, counts) {
            let delta = conversion.descentDirection(gradientSum: release.gradientSum, count: count, totalCount: total, global: global)
            let update = ModelUpdate(node: release.node, round: round, shape: shape, values: delta, sampleCount: count)
            switch validator.validate(update) {
            case .success(let valid): updates.append(valid)
            case .failure(let rejection): throw FederationError.roundNotPublished(round, "update refused: \(rejection)")
            }
        }
        let outcome = strategy.aggregate(round: round, global: global, updates: updates, state: state)
        guard let model = outcome.model else {
            throw FederationError.roundNotPublished(round, outcome.notPublishedReason ?? "no model")
        }
        parameters = try parameters.unflattened(model)
        state = outcome.state
    }
}
