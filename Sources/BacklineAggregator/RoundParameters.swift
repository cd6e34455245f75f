public import BacklinePrivacy
import Foundation

/// What a round requires of its updates, stored as the round's parameters JSON and told to
/// nodes by `GET /v1/rounds/current`.
public struct RoundParameters: Codable, Hashable, Sendable {
    /// Fewest contributing promoters for a model to be published (≥ 3).
    public var minClients: Int
    /// Seconds from opening until the round stops accepting updates.
    public var deadlineSeconds: Int
    /// The clipping norm C each member's contribution is clipped to on the nodes (> 0).
    public var clipNorm: Double
    /// The noise multiplier z nodes must apply (σ = z·C); 0 only outside production.
    public var noiseMultiplier: Double
    /// How updates are combined.
    public var strategy: StrategyName
    /// Server learning rate η of the strategy's optimizer (nil: the strategy's default).
    public var serverLearningRate: Double?
    /// When this many distinct promoters have submitted, the round closes and aggregates at once
    /// instead of waiting for its deadline (nil: only the deadline or an operator closes it).
    public var targetClients: Int?

    /// Smallest accepted `min_clients` (k-anonymity of a published model, item 77).
    public static let minimumClientsFloor = 3
    /// Longest accepted deadline: one week.
    public static let maximumDeadlineSeconds = 7 * 24 * 3600

    enum CodingKeys: String, CodingKey {
        case minClients = "min_clients"
        case deadlineSeconds = "deadline_seconds"
        case clipNorm = "clip_norm"
        case noiseMultiplier = "noise_multiplier"
        case strategy
        case serverLearningRate = "server_learning_rate"
        case targetClients = "target_clients"
    }

    /// Parameters; check them with ``validate(production:field:)``.
    public init(
        minClients: Int,
        deadlineSeconds: Int,
        clipNorm: Double,
        noiseMultiplier: Double,
        strategy: StrategyName,
        targetClients: Int? = nil
    ) {
        self.minClients = minClients
        self.deadlineSeconds = deadlineSeconds
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.strategy = strategy
        self.targetClients = targetClients
    }

    /// Throws ``AggregatorError`` `invalid_configuration` naming `field`.`key` at fault. In
    /// `production`, a zero noise multiplier or disabled clipping is refused (item 69).
    public func validate(production: Bool, field: String) throws {
        guard minClients >= Self.minimumClientsFloor, minClients <= 100_000 else {
            throw AggregatorError.invalidConfiguration(
                "\(field).min_clients",
                "must be \(Self.minimumClientsFloor)…100000, got \(minClients)"
            )
        }
        guard deadlineSeconds >= 1, deadlineSeconds <= Self.maximumDeadlineSeconds else {
            throw AggregatorError.invalidConfiguration(
                "\(field).deadline_seconds",
                "must be 1…\(Self.maximumDeadlineSeconds), got \(deadlineSeconds)"
            )
        }
        guard clipNorm.isFinite, clipNorm > 0 else {
            throw AggregatorError.invalidConfiguration(
                "\(field).clip_norm",
                "must be a finite number > 0 (clipping cannot be turned off), got \(clipNorm)"
            )
        }
        guard noiseMultiplier.isFinite, noiseMultiplier >= 0, noiseMultiplier <= 1000 else {
            throw AggregatorError.invalidConfiguration(
                "\(field).noise_multiplier",
                "must be a finite number in 0…1000, got \(noiseMultiplier)"
            )
        }
        if let serverLearningRate, !(serverLearningRate.isFinite && serverLearningRate > 0 && serverLearningRate <= 100) {
            throw AggregatorError.invalidConfiguration(
                "\(field).server_learning_rate",
                "must be a finite number in (0, 100], got \(serverLearningRate)"
            )
        }
        if let targetClients, !(minClients...100_000).contains(targetClients) {
            throw AggregatorError.invalidConfiguration(
                "\(field).target_clients",
                "must be min_clients (\(minClients))…100000, got \(targetClients)"
            )
        }
        if production && noiseMultiplier == 0 {
            throw AggregatorError.invalidConfiguration(
                "\(field).noise_multiplier",
                "is 0 but production is true: a production federation must add noise"
            )
        }
    }

    /// Whether a round holding `contributions` updates has reached its target and closes now.
    public func reachesTarget(_ contributions: Int) -> Bool {
        targetClients.map { contributions >= $0 } ?? false
    }

    /// The mechanism nodes must declare, or nil when no noise is required (tests, demos).
    public var privacy: MechanismParameters? {
        noiseMultiplier > 0 ? MechanismParameters(noiseMultiplier: noiseMultiplier, sensitivity: clipNorm) : nil
    }

    /// The parameters as compact sorted-key JSON (the round's stored form).
    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parameters read back from a round's stored JSON.
    static func decode(_ json: String, round: Int64) throws -> RoundParameters {
        do { return try JSONDecoder().decode(RoundParameters.self, from: Data(json.utf8)) } catch {
            throw AggregatorError.unavailable("round \(round) has unreadable parameters", underlying: error)
        }
    }
}
