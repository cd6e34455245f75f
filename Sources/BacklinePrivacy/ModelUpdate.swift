/// One node's update for a round, as received by the server: the node's noised mean delta, the
/// noised (or public) number of members behind it, and the mechanism the node declares it applied.
public struct ModelUpdate: Sendable, Hashable {
    /// The node (promoter) that sent it, from its authenticated identity.
    public let node: String
    /// The round it is for.
    public let round: UInt64
    /// The layout the node claims.
    public let shape: ParameterShape
    /// The element type the node claims; only `"f32"` is accepted.
    public let dtype: String
    /// The delta, flat.
    public let values: [Float]
    /// How many members the delta averages over (noised: may be fractional or negative).
    public let sampleCount: Double
    /// The privacy mechanism the node declares, if any.
    public let privacy: MechanismParameters?

    /// An update as received.
    public init(
        node: String,
        round: UInt64,
        shape: ParameterShape,
        dtype: String = "f32",
        values: [Float],
        sampleCount: Double,
        privacy: MechanismParameters? = nil
    ) {
        self.node = node
        self.round = round
        self.shape = shape
        self.dtype = dtype
        self.values = values
        self.sampleCount = sampleCount
        self.privacy = privacy
    }
}
