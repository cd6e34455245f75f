/// What the server tells nodes for a round (Flower's `configure_fit`): the round, how many
/// contributions it needs, and the privacy mechanism every node must apply.
public struct RoundConfiguration: Codable, Hashable, Sendable {
    /// The round id.
    public let round: UInt64
    /// Fewest accepted contributions for a model to be published.
    public let minimumContributions: Int
    /// The mechanism nodes must apply (clip norm as `sensitivity`, noise multiplier, sampling rate), if any.
    public var privacy: MechanismParameters?

    /// A configuration for `round`.
    public init(round: UInt64, minimumContributions: Int, privacy: MechanismParameters? = nil) {
        self.round = round
        self.minimumContributions = minimumContributions
        self.privacy = privacy
    }
}
