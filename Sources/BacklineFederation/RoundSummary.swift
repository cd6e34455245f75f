/// What the simulation reports after a round (public figures only).
public struct RoundSummary: Sendable, Equatable {
    /// The round, from 1.
    public let round: UInt64
    /// Wall-clock seconds of the whole round (all nodes and the server).
    public let seconds: Double
    /// Wall-clock seconds of the slowest node's local work.
    public let slowestNodeSeconds: Double
    /// ε spent so far by each node (empty in non-private mode), in node order.
    public let epsilonSpent: [Double]
    /// The (noised) counts released, in node order.
    public let counts: [Double]
}
