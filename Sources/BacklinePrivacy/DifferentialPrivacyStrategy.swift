/// DP as a wrapper strategy (after Flower's `DifferentialPrivacyClientSideFixedClipping`): it adds
/// the required mechanism to every round's configuration and sets aside any update whose node does
/// not declare at least that protection (noise multiplier ≥ z, clipping norm ≤ C, sampling rate ≤ q),
/// then lets the wrapped strategy aggregate the rest. Noise is added on the nodes; the server only
/// sees noised updates.
///
/// A requirement with noise multiplier 0 cannot be built (there is no "DP off" wrapper).
public struct DifferentialPrivacyStrategy: AggregationStrategy {
    /// The wrapped strategy.
    public let wrapped: any AggregationStrategy
    /// What each node must apply (`sensitivity` is the clipping norm C).
    public let requirement: MechanismParameters

    /// Wraps `wrapped`, requiring `requirement` of every update.
    /// - Throws: `invalid_parameter` if the requirement is invalid (zero noise, no clipping…).
    public init(wrapping wrapped: any AggregationStrategy, requirement: MechanismParameters) throws {
        self.wrapped = wrapped
        self.requirement = try requirement.validated()
    }

    public var name: String { "dp(\(wrapped.name))" }

    public func configureRound(_ round: UInt64) -> RoundConfiguration {
        var configuration = wrapped.configureRound(round)
        configuration.privacy = requirement
        return configuration
    }

    public func aggregate(
        round: UInt64,
        global: [Float],
        updates: [ValidatedUpdate],
        state: ServerOptimizerState
    )
        -> AggregationOutcome
    {
        var accepted: [ValidatedUpdate] = []
        var excluded: [UpdateRejection] = []
        for update in updates {
            if let problem = shortfall(of: update.privacy) {
                excluded.append(UpdateRejection(.privacy, node: update.node, detail: problem))
            } else {
                accepted.append(update)
            }
        }
        return wrapped.aggregate(round: round, global: global, updates: accepted, state: state).excluding(excluded)
    }

    private func shortfall(of declared: MechanismParameters?) -> String? {
        guard let declared else { return "no privacy mechanism declared" }
        guard (try? declared.validated()) != nil else { return "declared mechanism is invalid" }
        if declared.noiseMultiplier < requirement.noiseMultiplier {
            return "noise multiplier \(declared.noiseMultiplier) below the required \(requirement.noiseMultiplier)"
        }
        if declared.sensitivity > requirement.sensitivity {
            return "clipping norm \(declared.sensitivity) above the required \(requirement.sensitivity)"
        }
        if declared.samplingRate > requirement.samplingRate {
            return "sampling rate \(declared.samplingRate) above the required \(requirement.samplingRate)"
        }
        return nil
    }
}
