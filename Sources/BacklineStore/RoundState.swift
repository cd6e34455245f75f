import BacklineCore

/// Where a round is in its life: open → collecting → aggregating → published | failed.
public enum RoundState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Created; no update yet.
    case open
    /// At least one update arrived; more are accepted until quorum or deadline.
    case collecting
    /// Claimed by exactly one writer, which is aggregating it.
    case aggregating
    /// A model version was published from it (final).
    case published
    /// Closed without a model (too few clients, deadline, error) (final).
    case failed

    /// Updates may be submitted in this state.
    public var acceptsUpdates: Bool { self == .open || self == .collecting }

    /// No transition leaves this state.
    public var isFinal: Bool { self == .published || self == .failed }

    /// Whether the state machine allows going from `self` to `next`.
    public func canTransition(to next: RoundState) -> Bool {
        switch (self, next) {
        case (.open, .collecting), (.open, .aggregating), (.collecting, .aggregating),
            (.aggregating, .published), (.open, .failed), (.collecting, .failed), (.aggregating, .failed):
            return true
        default:
            return false
        }
    }

    /// Throws unless the round is over (payloads may only be discarded then).
    func requireFinal(forDiscardingIn round: Int64) throws {
        guard isFinal else {
            throw StoreError.invalidTransition(round, from: rawValue, to: "payloads discarded (only after published or failed)")
        }
    }

    /// Parses a stored state name.
    static func parse(_ text: String) throws -> RoundState {
        guard let state = RoundState(rawValue: text) else {
            throw StoreError.invalidInput("rounds.state", "unknown state \"\(text)\"")
        }
        return state
    }
}
