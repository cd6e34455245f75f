/// The result of aggregating a round: a new model, or "not published" with the reason.
public struct AggregationOutcome: Sendable {
    /// The round.
    public let round: UInt64
    /// The new global model, or nil when nothing is published.
    public let model: [Float]?
    /// Why no model was published (nil when one was).
    public let notPublishedReason: String?
    /// Nodes whose updates went into the model.
    public let contributors: [String]
    /// Updates set aside by the strategy (for example by the DP wrapper), with reasons.
    public let excluded: [UpdateRejection]
    /// The optimiser state to keep for the next round (unchanged when nothing is published).
    public let state: ServerOptimizerState

    /// Whether a new model was published.
    public var isPublished: Bool { model != nil }

    /// A published model.
    static func published(
        round: UInt64,
        model: [Float],
        contributors: [String],
        excluded: [UpdateRejection],
        state: ServerOptimizerState
    ) -> Self {
        Self(
            round: round,
            model: model,
            notPublishedReason: nil,
            contributors: contributors,
            excluded: excluded,
            state: state
        )
    }

    /// Nothing published, because of `reason`.
    static func notPublished(
        round: UInt64,
        reason: String,
        excluded: [UpdateRejection],
        state: ServerOptimizerState
    )
        -> Self
    {
        Self(round: round, model: nil, notPublishedReason: reason, contributors: [], excluded: excluded, state: state)
    }

    /// This outcome with `more` added to the excluded updates.
    func excluding(_ more: [UpdateRejection]) -> Self {
        Self(
            round: round,
            model: model,
            notPublishedReason: notPublishedReason,
            contributors: contributors,
            excluded: more + excluded,
            state: state
        )
    }
}
