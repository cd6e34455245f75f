public import BacklinePrivacy

/// The aggregation strategy a round uses, by its configuration name: `fedavg`, `fedadam`,
/// `median` or `trimmed_mean`. A string-backed value, not an enum, so names can be added.
public struct StrategyName: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The configuration name.
    public let rawValue: String

    /// FedAvg: weighted mean, server SGD with learning rate 1.
    public static let fedAvg = StrategyName(uncheckedRawValue: "fedavg")
    /// FedAdam (Reddi et al. 2021).
    public static let fedAdam = StrategyName(uncheckedRawValue: "fedadam")
    /// Coordinate-wise median (robust to a minority of outliers).
    public static let median = StrategyName(uncheckedRawValue: "median")
    /// Coordinate-wise trimmed mean dropping 20 % at each end.
    public static let trimmedMean = StrategyName(uncheckedRawValue: "trimmed_mean")
    /// Every name this build knows.
    public static let known: [StrategyName] = [.fedAvg, .fedAdam, .median, .trimmedMean]

    /// The known strategy called `text`, or nil.
    public init?(_ text: String) {
        guard let known = Self.known.first(where: { $0.rawValue == text }) else { return nil }
        self = known
    }

    private init(uncheckedRawValue: String) { rawValue = uncheckedRawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let name = StrategyName(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown strategy '\(text.prefix(40))' (known: \(Self.known.map(\.rawValue).joined(separator: ", ")))"
                )
            )
        }
        self = name
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// The strategy publishing only with at least `minimumContributions` updates, wrapped in the
    /// DP requirement `privacy` when it has noise (updates declaring weaker protection are set aside).
    /// `learningRate` is the server learning rate η (default 0.01 for FedAdam, 1 for the others).
    public func makeStrategy(
        minimumContributions: Int,
        privacy: MechanismParameters?,
        learningRate: Double? = nil
    ) throws
        -> any AggregationStrategy
    {
        let base: FederatedStrategy
        let sgd = try ServerOptimizer.sgd(learningRate: learningRate ?? 1)
        switch rawValue {
        case Self.fedAdam.rawValue:
            let adam = try FederatedStrategy.fedAdam(learningRate: learningRate ?? 0.01)
            base = try FederatedStrategy(rule: adam.rule, optimizer: adam.optimizer, minimumContributions: minimumContributions)
        case Self.median.rawValue:
            base = try FederatedStrategy(rule: .coordinateMedian, optimizer: sgd, minimumContributions: minimumContributions)
        case Self.trimmedMean.rawValue:
            base = try FederatedStrategy(rule: .trimmedMean(trimFraction: 0.2), optimizer: sgd, minimumContributions: minimumContributions)
        default:
            base = try FederatedStrategy(rule: .weightedMean, optimizer: sgd, minimumContributions: minimumContributions)
        }
        guard let privacy, privacy.noiseMultiplier > 0 else { return base }
        return try DifferentialPrivacyStrategy(wrapping: base, requirement: privacy)
    }
}
