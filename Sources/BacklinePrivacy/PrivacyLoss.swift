/// An (ε, δ) guarantee and the Rényi order that gave it.
public struct PrivacyLoss: Codable, Hashable, Sendable {
    /// ε, never negative.
    public let epsilon: Double
    /// δ.
    public let delta: Double
    /// The RDP order α at which the conversion was tightest (`nil` when nothing has been spent).
    public let order: Double?

    /// A guarantee of (`epsilon`, `delta`) found at Rényi order `order`.
    public init(epsilon: Double, delta: Double, order: Double?) {
        self.epsilon = epsilon
        self.delta = delta
        self.order = order
    }
}
