/// The auditor's report (`backline report audit`): the log's verification against its signed
/// checkpoint, requests and denials over time by role and action, and ε spent per promoter against
/// the budget, recomputed from the aggregator's privacy ledger.
public struct AuditReport: Sendable {
    /// Most roles or actions given their own colour; the rest are summed as "other".
    static let maximumLayers = 7

    /// Where the log was read from (shown, not interpreted).
    public let source: String
    /// When the report was made (ISO 8601).
    public let generatedAt: String
    /// The verifier's result.
    public let verification: VerificationStatus
    /// The requests counted.
    public let activity: AuditActivity
    /// Spending per promoter, or nil when no ledger was available.
    public let spending: [PromoterSpending]?
    /// The ε budget every promoter is held to, if given.
    public let budget: Double?

    /// A report of these parts.
    public init(
        source: String,
        generatedAt: String,
        verification: VerificationStatus,
        activity: AuditActivity,
        spending: [PromoterSpending]?,
        budget: Double?
    ) {
        self.source = source
        self.generatedAt = generatedAt
        self.verification = verification
        self.activity = activity
        self.spending = spending
        self.budget = budget
    }

    /// The page.
    public var document: HTMLDocument {
        HTMLDocument(
            title: "Audit report",
            subtitle: [
                "Log: \(source) · generated \(generatedAt)",
                "Made from the access log and the privacy ledger only: no audience data and no model updates.",
            ],
            body: [verificationSection, activitySection, privacySection].map(\.node)
        )
    }

    private var verificationSection: ReportSection {
        let ok = verification.ok
        let status = HTMLNode.element(
            "p",
            [HTMLAttribute("class", ok ? "status-ok" : "status-bad"), HTMLAttribute("data-status", ok ? "verified" : "failed")],
            text: ok ? "✓ Log verified: every entry rebuilds the signed checkpoint's root" : "✗ Log verification FAILED"
        )
        let table = HTMLTable(
            id: "verification",
            caption: "Verification",
            columns: [.init("field"), .init("value")],
            rows: [
                ["entries", String(verification.entries)],
                ["signed checkpoint size", verification.checkpointSize.map(String.init) ?? "none verified"],
                ["signed checkpoint root", verification.checkpointRoot ?? "–"],
                ["your saved checkpoint size", verification.savedSize.map(String.init) ?? "not given"],
                ["first bad entry", verification.firstBadIndex.map(String.init) ?? "–"],
            ]
        )
        var content = [status, table.node]
        if !verification.problems.isEmpty {
            content.append(
                HTMLTable(id: "problems", caption: "Problems found", columns: [.init("problem")], rows: verification.problems.map { [$0] })
                    .node
            )
        }
        return ReportSection(id: "verification", title: "Verification", content: content)
    }

    /// The keys of `totals` with the largest counts, at most ``maximumLayers`` (ties by name).
    private static func top(_ totals: [String: Int]) -> [String] {
        Array(totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(maximumLayers).map(\.key))
    }

    /// Layers for a stacked chart: one per key in `keys`, plus "other" for the rest when there is any.
    private static func layers(_ buckets: [[String: Int]], keys: [String]) -> [BarSeries] {
        let named = Set(keys)
        var layers = keys.map { key in BarSeries(name: key, values: buckets.map { Double($0[key] ?? 0) }) }
        let other = buckets.map { bucket in bucket.filter { !named.contains($0.key) }.values.reduce(0, +) }
        if other.contains(where: { $0 > 0 }) { layers.append(BarSeries(name: "other", values: other.map(Double.init))) }
        return layers
    }

    private var activitySection: ReportSection {
        let buckets = activity.buckets()
        let short = AuditActivity.shortLabels(buckets.labels)
        let timeAxis = "\(buckets.unit) (UTC\(short.common.map { ", \($0)" } ?? ""))"
        var roleTotals = [String: Int]()
        var actionTotals = [String: Int]()
        var deniedActionTotals = [String: Int]()
        for (role, actions) in activity.byRoleAction {
            for (action, tally) in actions {
                roleTotals[role, default: 0] += tally.allowed + tally.denied
                actionTotals[action, default: 0] += tally.allowed + tally.denied
                if tally.denied > 0 { deniedActionTotals[action, default: 0] += tally.denied }
            }
        }
        let overTime = StackedBarChart(
            id: "requests-over-time",
            title: "Requests per \(buckets.unit) by role",
            caption:
                "Every request the aggregator decided, allowed or denied, stacked by the caller's role. Periods without requests are left out.",
            xLabel: timeAxis,
            yLabel: "requests",
            categories: short.labels,
            layers: Self.layers(buckets.byRole, keys: Self.top(roleTotals))
        )
        let denials = StackedBarChart(
            id: "denials-over-time",
            title: "Denials per \(buckets.unit) by action",
            caption: "Denied requests stacked by the action asked for.",
            xLabel: timeAxis,
            yLabel: "denials",
            categories: short.labels,
            layers: Self.layers(buckets.deniedByAction, keys: Self.top(deniedActionTotals))
        )
        let actions = actionTotals.keys.sorted()
        func count(_ action: String, _ denied: Bool) -> Double {
            Double(
                activity.byRoleAction.values.reduce(0) { total, byAction in
                    total + (byAction[action].map { denied ? $0.denied : $0.allowed } ?? 0)
                }
            )
        }
        let byAction = BarChart(
            id: "requests-by-action",
            title: "Allowed and denied requests by action",
            caption: "All requests in the log, by the action asked for.",
            xLabel: "action",
            yLabel: "requests",
            categories: actions,
            series: [
                BarSeries(name: "allowed", values: actions.map { count($0, false) }),
                BarSeries(name: "denied", values: actions.map { count($0, true) }),
            ]
        )
        let rows = activity.byRoleAction.keys.sorted().flatMap { role in
            activity.byRoleAction[role]!.keys.sorted().map { action in
                let tally = activity.byRoleAction[role]![action]!
                return [role, action, String(tally.allowed), String(tally.denied), tally.lastSeen]
            }
        }
        let table = HTMLTable(
            id: "requests",
            caption: "Requests by role and action",
            columns: [.init("role"), .init("action"), .init("allowed", numeric: true), .init("denied", numeric: true), .init("last seen")],
            rows: rows
        )
        return ReportSection(
            id: "activity",
            title: "Requests and denials",
            paragraphs: ["\(activity.total) requests, \(activity.denied) denied."],
            content: [overTime.node, denials.node, byAction.node, table.node]
        )
    }

    private var privacySection: ReportSection {
        guard let spending else {
            return ReportSection(
                id: "privacy",
                title: "Privacy spending",
                paragraphs: [
                    "No privacy ledger was available (give --ledger with the output of GET /v1/ledger, or read the aggregator's store)."
                ],
                content: []
            )
        }
        let chart = StackedBarChart(
            id: "epsilon-budget",
            title: "ε spent per promoter" + (budget == nil ? "" : " against the budget"),
            caption: "Cumulative ε of every release the aggregator charged to each promoter"
                + (budget == nil ? "." : "; the dashed line is the budget."),
            xLabel: "promoter",
            yLabel: "ε",
            categories: spending.map(\.promoter),
            layers: [BarSeries(name: "ε spent", values: spending.map(\.epsilon))],
            limits: spending.map { _ in budget },
            limitName: "ε budget"
        )
        let table = HTMLTable(
            id: "spending",
            caption: "Privacy spending",
            columns: [
                .init("promoter"), .init("releases", numeric: true), .init("ε spent", numeric: true), .init("δ", numeric: true),
                .init("composition"), .init("status"),
            ],
            rows: spending.map { row in
                [
                    row.promoter, String(row.releases), ReportNumber.fixed(row.epsilon, decimals: 3), ReportNumber.compact(row.delta),
                    row.composedByRDP ? "Rényi DP" : "basic (Σε, Σδ)",
                    budget.map { row.epsilon > $0 ? "OVER BUDGET" : "within budget" } ?? "no budget given",
                ]
            }
        )
        let over = budget.map { limit in spending.filter { $0.epsilon > limit }.map(\.promoter) } ?? []
        var paragraphs = ["\(spending.count) promoter\(spending.count == 1 ? "" : "s") in the ledger."]
        if !over.isEmpty { paragraphs.append("Over budget: \(over.joined(separator: ", ")).") }
        return ReportSection(id: "privacy", title: "Privacy spending", paragraphs: paragraphs, content: [chart.node, table.node])
    }
}
