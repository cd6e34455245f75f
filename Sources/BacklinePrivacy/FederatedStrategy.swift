/// The standard strategies: a coordinate rule (FedAvg's weighted mean, median, trimmed mean), an
/// optional server-side norm bound (each update scaled to at most that L2 norm first), a server
/// optimiser (SGD, Adam, Yogi), and a minimum number of contributions below which nothing is published.
public struct FederatedStrategy: AggregationStrategy, Hashable {
    /// Default minimum contributions per round, k = 3.
    public static let defaultMinimumContributions = 3

    /// How deltas are combined.
    public let rule: AggregationRule
    /// How the combined delta is applied.
    public let optimizer: ServerOptimizer
    /// Server-side L2 bound each update is scaled to before combining, if any.
    public let serverNormBound: Double?
    /// Fewest contributions for a model to be published (k).
    public let minimumContributions: Int

    /// A strategy; see the static factories for the usual ones.
    /// - Throws: `invalid_parameter` for k < 1 or a non-positive bound.
    public init(
        rule: AggregationRule,
        optimizer: ServerOptimizer,
        serverNormBound: Double? = nil,
        minimumContributions: Int = defaultMinimumContributions
    ) throws {
        guard minimumContributions >= 1 else {
            throw PrivacyError.invalidParameter("minimum contributions k", minimumContributions, expected: "≥ 1")
        }
        if let serverNormBound, !(serverNormBound.isFinite && serverNormBound > 0) {
            throw PrivacyError.invalidParameter("server norm bound", serverNormBound, expected: "a finite number > 0")
        }
        self.rule = rule
        self.optimizer = optimizer
        self.serverNormBound = serverNormBound
        self.minimumContributions = minimumContributions
    }

    /// FedAvg: weighted mean, server SGD with η = 1.
    public static func fedAvg(minimumContributions: Int = defaultMinimumContributions) throws -> Self {
        try Self(rule: .weightedMean, optimizer: .sgd(), minimumContributions: minimumContributions)
    }
    /// FedAdam (Reddi et al. 2021).
    public static func fedAdam(
        learningRate: Double = 0.01,
        beta1: Double = 0.9,
        beta2: Double = 0.99,
        tau: Double = 1e-3
    ) throws -> Self {
        try Self(
            rule: .weightedMean,
            optimizer: .adam(learningRate: learningRate, beta1: beta1, beta2: beta2, tau: tau)
        )
    }
    /// FedYogi (Reddi et al. 2021).
    public static func fedYogi(
        learningRate: Double = 0.01,
        beta1: Double = 0.9,
        beta2: Double = 0.99,
        tau: Double = 1e-3
    ) throws -> Self {
        try Self(
            rule: .weightedMean,
            optimizer: .yogi(learningRate: learningRate, beta1: beta1, beta2: beta2, tau: tau)
        )
    }

    public var name: String {
        "\(rule.name)+\(optimizer.name)" + (serverNormBound.map { "+norm_bound(\($0))" } ?? "")
    }

    public func configureRound(_ round: UInt64) -> RoundConfiguration {
        RoundConfiguration(round: round, minimumContributions: minimumContributions)
    }

    public func aggregate(
        round: UInt64,
        global: [Float],
        updates: [ValidatedUpdate],
        state: ServerOptimizerState
    )
        -> AggregationOutcome
    {
        guard updates.count >= minimumContributions else {
            return .notPublished(
                round: round,
                reason: "only \(updates.count) contributions, at least \(minimumContributions) needed",
                excluded: [],
                state: state
            )
        }
        if let wrong = updates.first(where: { $0.values.count != global.count }) {
            return .notPublished(
                round: round,
                reason: "update from '\(wrong.node)' has \(wrong.values.count) values, the model \(global.count)",
                excluded: [],
                state: state
            )
        }
        let scales = updates.map { update in
            guard let bound = serverNormBound, update.norm > bound else { return 1.0 }
            return bound / update.norm
        }
        let delta = rule.combine(updates, scales: scales, count: global.count)
        var model = global
        let next = optimizer.apply(delta, to: &model, state: state)
        return .published(round: round, model: model, contributors: updates.map(\.node), excluded: [], state: next)
    }
}
