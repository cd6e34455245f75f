/// What the demo (or an operator) knows about a federation run, the input of
/// `backline report federation`. JSON, snake_case, decoded strictly: an unknown field, a missing
/// required field or a value of the wrong type is an error naming the field.
///
/// ```
/// {"title": str, "federation": str, "generated_at": ISO 8601 str,
///  "rounds": [{"round": int, "contributions": int, "validation_ndcg_at_10": number|null,
///              "epsilon_spent": {"<promoter>": number}}],
///  "quality": [{"promoter": str, "alone": number, "federated": number, "pooled": number|null}],
///  "budgets": [{"promoter": str, "epsilon_spent": number, "epsilon_budget": number, "delta": number}],
///  "audit": {"verified": bool, "entries": int, "tree_size": int|null, "root_hash": str|null,
///            "denials": int|null, "message": str},
///  "match_example": {"show": str, "members": [{"member": str, "score": number}]} | null,
///  "behaviour": [{"measure": str, "segment": str, "local": number, "federation": number|null,
///                 "suppressed": bool}] | null}
/// ```
///
/// Meanings and ranges (checked by ``validate()``):
/// - `rounds[].epsilon_spent`: each promoter's *cumulative* ε after that round (RDP composition is
///   not additive in ε, so per-round values would not sum); ≥ 0. `validation_ndcg_at_10` ∈ [0, 1],
///   null when the round was not evaluated. Round numbers ≥ 0 and distinct; contributions ≥ 0.
/// - `quality`: NDCG@10 ∈ [0, 1] of each promoter's model trained alone, the federated model, and
///   pooled central training (null when not run).
/// - `budgets`: ε spent ≥ 0 (above the budget is allowed and shown as an overspend), budget > 0,
///   δ ∈ (0, 1).
/// - `audit`: counts ≥ 0; `root_hash` as printed by `backline audit verify`.
/// - `match_example.members[].score` finite; `behaviour[].local` and `.federation` finite;
///   `suppressed` means the federation's noised value was withheld (noise above the value).
/// Fields typed `…|null` may also be left out.
public struct FederationSummary: Sendable, Decodable {
    /// The report's title.
    public let title: String
    /// The federation's name (trust domain).
    public let federation: String
    /// When the summary was made, ISO 8601 (e.g. `2026-12-03T16:00:00Z`).
    public let generatedAt: String
    /// One entry per training round.
    public let rounds: [Round]
    /// Model quality per promoter.
    public let quality: [Quality]
    /// Privacy budget per promoter.
    public let budgets: [Budget]
    /// The audit log's state.
    public let audit: Audit
    /// One promoter's top members for a show, if the demo ran a match.
    public let matchExample: MatchExample?
    /// Behaviour measures, local against federation, if the demo ran analytics.
    public let behaviour: [Behaviour]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, federation, rounds, quality, budgets, audit, behaviour
        case generatedAt = "generated_at"
        case matchExample = "match_example"
    }

    /// Decodes a summary strictly from JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        federation = try container.decode(String.self, forKey: .federation)
        generatedAt = try container.decode(String.self, forKey: .generatedAt)
        rounds = try container.decode([Round].self, forKey: .rounds)
        quality = try container.decode([Quality].self, forKey: .quality)
        budgets = try container.decode([Budget].self, forKey: .budgets)
        audit = try container.decode(Audit.self, forKey: .audit)
        matchExample = try container.decodeIfPresent(MatchExample.self, forKey: .matchExample)
        behaviour = try container.decodeIfPresent([Behaviour].self, forKey: .behaviour)
    }

    /// Decodes and validates a summary file's bytes; errors name `document` and the field.
    public static func load(_ bytes: [UInt8], document: String) throws -> FederationSummary {
        let summary = try StrictJSON.decode(FederationSummary.self, from: bytes, document: document)
        try summary.validate(document: document)
        return summary
    }
}
