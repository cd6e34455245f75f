internal import BacklineModel
public import BacklinePrivacy

/// R rounds of federated training over N promoters in one process: each round every node runs its
/// ``NodeRound`` on the current global parameters, then the ``FederatedTrainer`` applies the releases.
public struct FederatedSimulation: Sendable {
    /// The nodes, in a fixed order.
    public private(set) var nodes: [NodeRound]
    /// The server.
    public private(set) var trainer: FederatedTrainer
    /// Rounds run so far.
    public private(set) var roundsRun: UInt64 = 0

    /// A simulation over `nodes` with `trainer`; throws `invalid_parameter` without nodes.
    public init(nodes: [NodeRound], trainer: FederatedTrainer) throws {
        guard !nodes.isEmpty else { throw FederationError.invalidParameter("node count", 0, expected: "≥ 1") }
        self.nodes = nodes
        self.trainer = trainer
    }

    /// Runs the next round. On error (a node over budget, a round not published) the global
    /// parameters are unchanged.
    public mutating func runRound(noise: inout some NoiseRandomSource) throws -> RoundSummary {
        let round = roundsRun + 1
        let start = Self.now()
        var releases: [NodeRelease] = []
        var slowest = 0.0
        for index in nodes.indices {
            let nodeStart = Self.now()
            releases.append(try nodes[index].run(round: round, global: trainer.parameters, noise: &noise))
            slowest = max(slowest, Self.now() - nodeStart)
        }
        try trainer.apply(round: round, releases: releases)
        roundsRun = round
        let spent = nodes.compactMap { $0.ledger?.spent.epsilon }
        return RoundSummary(
            round: round,
            seconds: Self.now() - start,
            slowestNodeSeconds: slowest,
            epsilonSpent: spent,
            counts: releases.map(\.count)
        )
    }

    /// Runs `rounds` rounds, calling `progress` after each.
    public mutating func run(
        rounds: Int,
        noise: inout some NoiseRandomSource,
        progress: (RoundSummary) -> Void = { _ in }
    ) throws {
        for _ in 0..<rounds { progress(try runRound(noise: &noise)) }
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
    private static let origin = ContinuousClock.now
}
