/// An update that passed ``UpdateValidator``: finite, of the right shape and round, with a weight
/// in (0, cap].
public struct ValidatedUpdate: Sendable, Hashable {
    /// The node that sent it.
    public let node: String
    /// The delta.
    public let values: [Float]
    /// Its weight for weighted averaging: the sample count, capped.
    public let weight: Double
    /// Its L2 norm, computed in Double.
    public let norm: Double
    /// The privacy mechanism the node declared.
    public let privacy: MechanismParameters?
}
