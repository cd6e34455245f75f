/// The server optimiser's memory between rounds (FedAdam/FedYogi moments); persisted by the aggregator.
public struct ServerOptimizerState: Codable, Hashable, Sendable {
    /// First moment m, empty until the first adaptive step.
    public var firstMoment: [Float]
    /// Second moment v, empty until the first adaptive step.
    public var secondMoment: [Float]
    /// Steps applied so far.
    public var step: Int

    /// The state before any round.
    public static let initial = Self(firstMoment: [], secondMoment: [], step: 0)

    /// A state with these moments after `step` steps.
    public init(firstMoment: [Float], secondMoment: [Float], step: Int) {
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.step = step
    }
}
