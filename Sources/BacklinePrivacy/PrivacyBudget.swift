/// A promoter's privacy budget (ε, δ), from policy.
public struct PrivacyBudget: Codable, Hashable, Sendable {
    /// Total ε the promoter may spend.
    public let epsilon: Double
    /// The δ at which ε is measured.
    public let delta: Double

    /// A budget of (`epsilon`, `delta`).
    /// - Throws: `invalid_parameter` unless ε is finite and > 0 and 0 < δ < 1.
    public init(epsilon: Double, delta: Double) throws {
        guard epsilon.isFinite, epsilon > 0 else {
            throw PrivacyError.invalidParameter("budget ε", epsilon, expected: "a finite number > 0")
        }
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw PrivacyError.invalidParameter("budget δ", delta, expected: "a number in (0, 1)")
        }
        self.epsilon = epsilon
        self.delta = delta
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            epsilon: container.decode(Double.self, forKey: .epsilon),
            delta: container.decode(Double.self, forKey: .delta)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(epsilon, forKey: .epsilon)
        try container.encode(delta, forKey: .delta)
    }

    private enum CodingKeys: String, CodingKey { case epsilon, delta }
}
