import Foundation
import Synchronization

/// Counters for `GET /metrics`, in the Prometheus text exposition format.
public final class AggregatorMetrics: Sendable {
    private struct State {
        var counters: [String: [String: Double]] = [:]  // metric → label text → value
        var latencySum: [String: Double] = [:]  // route → seconds
        var latencyCount: [String: Double] = [:]
    }

    private static let help: [(name: String, help: String)] = [
        ("backline_requests_total", "HTTP requests answered, by route and status."),
        ("backline_rounds_total", "Rounds by final or current transition (opened, published, failed)."),
        ("backline_submissions_total", "Updates stored and acknowledged."),
        ("backline_rejections_total", "Updates refused, by reason."),
        ("backline_policy_denials_total", "Requests the policy denied, by action."),
        ("backline_audit_failures_total", "Audit appends that failed (the guarded action was not performed)."),
    ]

    private let state = Mutex(State())

    /// Empty counters.
    public init() {}

    /// Adds `amount` to `metric` with `labels` (label values must be safe identifiers).
    func increment(_ metric: String, _ labels: [(String, String)] = [], by amount: Double = 1) {
        let text = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        state.withLock { $0.counters[metric, default: [:]][text, default: 0] += amount }
    }

    /// Records one request to `route` answered with `status` after `seconds`.
    func observe(route: String, status: Int, seconds: Double) {
        increment("backline_requests_total", [("route", route), ("status", String(status))])
        state.withLock {
            $0.latencySum[route, default: 0] += seconds
            $0.latencyCount[route, default: 0] += 1
        }
    }

    /// The current value of `metric` summed over all labels (for tests and logs).
    public func total(_ metric: String) -> Double {
        state.withLock { $0.counters[metric]?.values.reduce(0, +) ?? 0 }
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        let snapshot = state.withLock { $0 }
        var text = ""
        for (name, help) in Self.help {
            text += "# HELP \(name) \(help)\n# TYPE \(name) counter\n"
            for (labels, value) in (snapshot.counters[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                text += "\(name)\(labels) \(Self.format(value))\n"
            }
        }
        text += "# HELP backline_request_duration_seconds Time to answer requests, by route.\n"
        text += "# TYPE backline_request_duration_seconds summary\n"
        for route in snapshot.latencyCount.keys.sorted() {
            text +=
                "backline_request_duration_seconds_sum{route=\"\(Self.escape(route))\"} \(Self.format(snapshot.latencySum[route] ?? 0))\n"
            text +=
                "backline_request_duration_seconds_count{route=\"\(Self.escape(route))\"} \(Self.format(snapshot.latencyCount[route] ?? 0))\n"
        }
        return text
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
