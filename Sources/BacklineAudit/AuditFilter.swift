/// Which entries a search or export selects. Every given criterion must match.
public struct AuditFilter: Sendable, Hashable, Codable {
    /// SPIFFE ID of the caller.
    public var actor: String?
    /// Action name.
    public var action: String?
    /// Round number.
    public var round: Int?
    /// Entries at or after this time (a timestamp or a prefix such as `2026-12-03`).
    public var since: String?
    /// Entries before this time (exclusive; same forms as ``since``).
    public var until: String?
    /// First index (inclusive).
    public var from: Int?
    /// Last index (exclusive).
    public var to: Int?

    /// A filter; throws ``AuditError`` `malformed` for a bad time bound or a negative index.
    public init(
        actor: String? = nil,
        action: String? = nil,
        round: Int? = nil,
        since: String? = nil,
        until: String? = nil,
        from: Int? = nil,
        to: Int? = nil
    ) throws {
        for (name, bound) in [("since", since), ("until", until)] {
            if let bound, !AuditTime.isValidBound(bound) {
                throw AuditError.malformed("filter --\(name)", "'\(bound.prefix(40))' is not YYYY-MM-DD[THH[:MM[:SS]]] or a full timestamp")
            }
        }
        if let from, from < 0 { throw AuditError.malformed("filter --from", "negative: \(from)") }
        if let to, to < 0 { throw AuditError.malformed("filter --to", "negative: \(to)") }
        self.actor = actor
        self.action = action
        self.round = round
        self.since = since
        self.until = until
        self.from = from
        self.to = to
    }

    /// The index range this filter allows within a log of `count` entries.
    public func indices(count: Int) -> Range<Int> {
        let lower = min(max(0, from ?? 0), count)
        let upper = max(lower, min(to ?? count, count))
        return lower..<upper
    }

    /// Whether `entry` (at any allowed index) matches the criteria.
    public func matches(_ entry: AuditEntry) -> Bool {
        if let actor, entry.spiffeID != actor { return false }
        if let action, entry.action != action { return false }
        if let round, entry.round != round { return false }
        // Fixed-width timestamps: string order is time order, and a prefix sorts before
        // every timestamp that starts with it, so `until` a date means before that day begins.
        if let since, entry.time < since { return false }
        if let until, entry.time >= until { return false }
        return true
    }
}
