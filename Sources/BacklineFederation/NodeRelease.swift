/// What a node releases from one round: the (noised) sum of its sampled members' gradients of the
/// global parameters, flat in ``BacklineModel/ParameterSet`` order, and the (noised) member count.
/// Nothing else about the round leaves the node.
public struct NodeRelease: Sendable, Equatable {
    /// The promoter.
    public let node: String
    /// The round.
    public let round: UInt64
    /// Σ over sampled members of the clipped gradient, plus noise when private.
    public let gradientSum: [Float]
    /// Number of sampled members, plus noise when private.
    public let count: Double
    /// Whether noise was added (false only in the non-private comparison mode).
    public let isPrivate: Bool
}
