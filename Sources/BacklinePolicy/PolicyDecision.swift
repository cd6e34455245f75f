/// The answer to a ``PolicyRequest``: allow or deny, which rule decided (or `default` /
/// `error`), why, and the SHA-256 of the policy file that decided. A deny is a value.
public struct PolicyDecision: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Rule id reported when no rule matched.
    public static let defaultRuleID = "default"
    /// Rule id reported when the request could not be evaluated (unknown role, action or
    /// resource type, or a missing attribute).
    public static let errorRuleID = "error"

    /// Whether the request is allowed.
    public let allowed: Bool
    /// The deciding rule's id, ``defaultRuleID`` or ``errorRuleID``.
    public let ruleID: String
    /// Why, in words.
    public let reason: String
    /// SHA-256 (hex) of the policy file bytes.
    public let policySHA256: String

    /// `allow` or `deny`.
    public var decision: String { allowed ? "allow" : "deny" }

    /// A decision.
    public init(allowed: Bool, ruleID: String, reason: String, policySHA256: String) {
        self.allowed = allowed
        self.ruleID = ruleID
        self.reason = reason
        self.policySHA256 = policySHA256
    }

    enum CodingKeys: String, CodingKey {
        case decision, reason
        case ruleID = "rule_id"
        case policySHA256 = "policy_sha256"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let decision = try c.decode(String.self, forKey: .decision)
        guard decision == "allow" || decision == "deny" else {
            throw DecodingError.dataCorruptedError(forKey: .decision, in: c, debugDescription: "decision must be allow or deny")
        }
        self.init(
            allowed: decision == "allow",
            ruleID: try c.decode(String.self, forKey: .ruleID),
            reason: try c.decode(String.self, forKey: .reason),
            policySHA256: try c.decode(String.self, forKey: .policySHA256)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(decision, forKey: .decision)
        try c.encode(ruleID, forKey: .ruleID)
        try c.encode(reason, forKey: .reason)
        try c.encode(policySHA256, forKey: .policySHA256)
    }

    public var description: String { "\(decision) (rule \(ruleID): \(reason))" }
}
