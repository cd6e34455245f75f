public import BacklineAudit

/// Requests in an audit log, counted as entries are read (the log need not fit in memory): per role
/// and action (allowed, denied), and per minute by role and, for denials, by action.
public struct AuditActivity: Sendable {
    /// Allowed and denied counts of one role and action, and when it was last seen.
    public struct Tally: Sendable, Equatable {
        /// Allowed requests.
        public var allowed = 0
        /// Denied requests.
        public var denied = 0
        /// The latest timestamp.
        public var lastSeen = ""

        /// A tally with these counts.
        public init(allowed: Int = 0, denied: Int = 0, lastSeen: String = "") {
            self.allowed = allowed
            self.denied = denied
            self.lastSeen = lastSeen
        }
    }

    /// Entries counted.
    public private(set) var total = 0
    /// Denied entries counted.
    public private(set) var denied = 0
    /// Counts by role, then action.
    public private(set) var byRoleAction: [String: [String: Tally]] = [:]
    /// Requests per minute (`YYYY-MM-DDTHH:MM`) by role.
    private(set) var perMinuteByRole: [String: [String: Int]] = [:]
    /// Denials per minute by action.
    private(set) var deniedPerMinuteByAction: [String: [String: Int]] = [:]

    /// Nothing counted yet.
    public init() {}

    /// Counts `entry`.
    public mutating func add(_ entry: AuditEntry) {
        total += 1
        let isDenied = entry.decision == .deny
        if isDenied { denied += 1 }
        var tally = byRoleAction[entry.role, default: [:]][entry.action, default: Tally()]
        if isDenied { tally.denied += 1 } else { tally.allowed += 1 }
        tally.lastSeen = max(tally.lastSeen, entry.time)
        byRoleAction[entry.role, default: [:]][entry.action] = tally
        let minute = String(entry.time.prefix(16))
        perMinuteByRole[minute, default: [:]][entry.role, default: 0] += 1
        if isDenied { deniedPerMinuteByAction[minute, default: [:]][entry.action, default: 0] += 1 }
    }

    /// The time buckets to chart: minutes, hours or days (the finest giving at most `maximum`
    /// buckets that had requests), with counts by role and denials by action summed into them.
    func buckets(maximum: Int = 40) -> (unit: String, labels: [String], byRole: [[String: Int]], deniedByAction: [[String: Int]]) {
        for (length, unit) in [(16, "minute"), (13, "hour"), (10, "day"), (7, "month")] {
            let labels = Set(perMinuteByRole.keys.map { String($0.prefix(length)) }).sorted()
            if labels.count <= maximum || length == 7 {
                func sum(_ source: [String: [String: Int]]) -> [[String: Int]] {
                    var result = [String: [String: Int]]()
                    for (minute, counts) in source {
                        result[String(minute.prefix(length)), default: [:]].merge(counts, uniquingKeysWith: +)
                    }
                    return labels.map { result[$0] ?? [:] }
                }
                return (unit, labels, sum(perMinuteByRole), sum(deniedPerMinuteByAction))
            }
        }
        return ("day", [], [], [])
    }

    /// Short axis labels for `labels` (UTC bucket prefixes of audit timestamps): the date, or the
    /// year, dropped when every label shares it, and what was dropped (for the axis title).
    static func shortLabels(_ labels: [String]) -> (labels: [String], common: String?) {
        for length in [11, 5] {
            guard let first = labels.first, first.count > length else { continue }
            let prefix = first.prefix(length)
            if labels.allSatisfy({ $0.count > length && $0.hasPrefix(prefix) }) {
                return (labels.map { String($0.dropFirst(length)) }, String(prefix.dropLast()))
            }
        }
        return (labels, nil)
    }
}
