/// One privacy-ledger entry as `GET /v1/ledger` serves it (and as the aggregator's store holds it):
/// a release charged to a promoter. Decoded strictly: unknown or missing fields are errors.
///
/// ```
/// [{"id": int, "promoter": str, "round": int|null, "query": str|null, "mechanism": str,
///   "parameters": str (JSON text: noise_multiplier, sampling_rate, steps, clip_norm),
///   "epsilon": number, "delta": number, "recorded_at": ISO 8601 str}]
/// ```
public struct LedgerLine: Sendable, Decodable {
    /// The store's id.
    public let id: Int64
    /// The promoter charged.
    public let promoter: String
    /// The training round, for a round update.
    public let round: Int64?
    /// The analytics query, for a query.
    public let query: String?
    /// The mechanism, e.g. `gaussian`.
    public let mechanism: String
    /// The mechanism's parameters as JSON text.
    public let parameters: String
    /// ε of this release alone.
    public let epsilon: Double
    /// δ of this release's (ε, δ) statement.
    public let delta: Double
    /// When it was recorded.
    public let recordedAt: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, promoter, round, query, mechanism, parameters, epsilon, delta
        case recordedAt = "recorded_at"
    }

    /// A line with these fields (the CLI builds them from the aggregator's store).
    public init(
        id: Int64,
        promoter: String,
        round: Int64?,
        query: String?,
        mechanism: String,
        parameters: String,
        epsilon: Double,
        delta: Double,
        recordedAt: String
    ) {
        self.id = id
        self.promoter = promoter
        self.round = round
        self.query = query
        self.mechanism = mechanism
        self.parameters = parameters
        self.epsilon = epsilon
        self.delta = delta
        self.recordedAt = recordedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        promoter = try container.decode(String.self, forKey: .promoter)
        round = try container.decodeIfPresent(Int64.self, forKey: .round)
        query = try container.decodeIfPresent(String.self, forKey: .query)
        mechanism = try container.decode(String.self, forKey: .mechanism)
        parameters = try container.decode(String.self, forKey: .parameters)
        epsilon = try container.decode(Double.self, forKey: .epsilon)
        delta = try container.decode(Double.self, forKey: .delta)
        recordedAt = try container.decode(String.self, forKey: .recordedAt)
    }

    /// Decodes and checks a ledger document (a JSON array of lines); errors name `document` and the field.
    public static func load(_ bytes: [UInt8], document: String) throws -> [LedgerLine] {
        let lines = try StrictJSON.decode([LedgerLine].self, from: bytes, document: document)
        let check = InputCheck(document: document)
        try check.size(lines.count, "(top level)", maximum: 1_000_000)
        for (index, line) in lines.enumerated() {
            try check.text(line.promoter, "[\(index)].promoter")
            try check.number(line.epsilon, "[\(index)].epsilon", in: 0...Double.greatestFiniteMagnitude)
            guard line.delta.isFinite, line.delta >= 0, line.delta < 1 else {
                throw ReportError.invalidValue(
                    document,
                    field: "[\(index)].delta",
                    "must be in [0, 1), got \(ReportNumber.compact(line.delta))"
                )
            }
            try check.text(line.parameters, "[\(index)].parameters", maximum: 4096, allowEmpty: true)
        }
        return lines
    }
}
