/// What `GET /v1/rounds/current` says about the round taking updates (or the newest one).
public struct RoundAnnouncement: Sendable, Equatable, Decodable {
    /// The round id (> 0).
    public let round: Int64
    /// The round's state as the aggregator names it (`open`, `closed`, …).
    public let state: String
    /// Largest clipping norm the round accepts.
    public let clipNorm: Double
    /// Smallest noise multiplier the round accepts.
    public let noiseMultiplier: Double
    /// The global model version updates must be computed against.
    public let modelVersion: Int64
    /// Whether the round takes updates now.
    public let accepting: Bool

    enum CodingKeys: String, CodingKey {
        case round, state, accepting
        case clipNorm = "clip_norm"
        case noiseMultiplier = "noise_multiplier"
        case modelVersion = "model_version"
    }

    /// Decodes and checks the fields (positive round, finite positive privacy parameters).
    /// - Throws: `DecodingError` for a missing or out-of-range field.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        round = try container.decode(Int64.self, forKey: .round)
        state = try container.decode(String.self, forKey: .state)
        clipNorm = try container.decode(Double.self, forKey: .clipNorm)
        noiseMultiplier = try container.decode(Double.self, forKey: .noiseMultiplier)
        modelVersion = try container.decode(Int64.self, forKey: .modelVersion)
        accepting = try container.decode(Bool.self, forKey: .accepting)
        guard round > 0, modelVersion >= 0, clipNorm.isFinite, clipNorm > 0, noiseMultiplier.isFinite, noiseMultiplier > 0,
            state.utf8.count <= 32
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "round fields out of range"))
        }
    }
}
