/// The federation's report (`backline report federation`): training progress, privacy spending per
/// promoter against its budget, model quality alone / federated / pooled, the audit log's status, an
/// example match and, when present, the behaviour comparison.
public struct FederationReport: Sendable {
    /// The summary the report shows.
    public let summary: FederationSummary

    /// A report of `summary` (validated by ``FederationSummary/load(_:document:)``).
    public init(summary: FederationSummary) {
        self.summary = summary
    }

    /// The page.
    public var document: HTMLDocument {
        var sections = [auditSection, trainingSection, privacySection, qualitySection]
        if let match = summary.matchExample { sections.append(Self.matchSection(match)) }
        if let behaviour = summary.behaviour { sections.append(BehaviourComparison(rows: behaviour).section) }
        return HTMLDocument(
            title: summary.title,
            subtitle: [
                "Federation \(summary.federation) · generated \(summary.generatedAt)",
                "Raw audience data never left a promoter's node; this report shows only aggregates, noised releases and the audit log's state.",
            ],
            body: sections.map(\.node)
        )
    }

    private var sortedRounds: [FederationSummary.Round] { summary.rounds.sorted { $0.round < $1.round } }

    private var auditSection: ReportSection {
        let audit = summary.audit
        let status = HTMLNode.element(
            "p",
            [
                HTMLAttribute("class", audit.verified ? "status-ok" : "status-bad"),
                HTMLAttribute("data-status", audit.verified ? "verified" : "failed"),
            ],
            text: audit.verified ? "✓ Audit log verified against the signed checkpoint" : "✗ Audit log NOT verified"
        )
        let table = HTMLTable(
            id: "audit",
            caption: "Audit log",
            columns: [.init("field"), .init("value")],
            rows: [
                ["entries", String(audit.entries)],
                ["checkpoint tree size", audit.treeSize.map(String.init) ?? "–"],
                ["checkpoint root hash", audit.rootHash ?? "–"],
                ["denied requests", audit.denials.map(String.init) ?? "–"],
                ["verifier", audit.message],
            ]
        )
        return ReportSection(id: "audit", title: "Audit log", content: [status, table.node])
    }

    private var trainingSection: ReportSection {
        let rounds = sortedRounds
        let chart = LineChart(
            id: "ndcg",
            title: "Validation NDCG@10 per round",
            caption: "Ranking quality of the global model on held-out validation members after each round (higher is better).",
            xLabel: "round",
            yLabel: "NDCG@10",
            series: [
                ChartSeries(
                    name: "validation NDCG@10",
                    points: rounds.compactMap { round in round.validationNDCGAt10.map { (Double(round.round), $0) } }
                )
            ],
            integerX: true
        )
        let table = HTMLTable(
            id: "rounds",
            caption: "Rounds",
            columns: [.init("round", numeric: true), .init("contributions", numeric: true), .init("validation NDCG@10", numeric: true)],
            rows: rounds.map { [String($0.round), String($0.contributions), ReportNumber.fixed($0.validationNDCGAt10, decimals: 4)] }
        )
        let unevaluated = rounds.filter { $0.validationNDCGAt10 == nil }.count
        var paragraphs = [
            "\(rounds.count) round\(rounds.count == 1 ? "" : "s"), \(rounds.reduce(0) { $0 + $1.contributions }) contributions in all."
        ]
        if unevaluated > 0 {
            paragraphs.append("\(unevaluated) round\(unevaluated == 1 ? " was" : "s were") not evaluated on validation members.")
        }
        return ReportSection(id: "training", title: "Training", paragraphs: paragraphs, content: [chart.node, table.node])
    }

    private var privacySection: ReportSection {
        let rounds = sortedRounds
        let promoters = Set(rounds.flatMap(\.epsilonSpent.keys)).sorted()
        let perRound = LineChart(
            id: "epsilon-rounds",
            title: "Cumulative ε spent per round",
            caption: "Each promoter's privacy loss ε after each round, from its Rényi-DP ledger.",
            xLabel: "round",
            yLabel: "ε spent",
            series: promoters.map { promoter in
                ChartSeries(
                    name: promoter,
                    points: rounds.compactMap { round in round.epsilonSpent[promoter].map { (Double(round.round), $0) } }
                )
            },
            integerX: true
        )
        let budgets = summary.budgets
        let againstBudget = StackedBarChart(
            id: "epsilon-budget",
            title: "ε spent against budget",
            caption: "Each bar is a promoter's ε spent; the dashed line is its budget.",
            xLabel: "promoter",
            yLabel: "ε",
            categories: budgets.map(\.promoter),
            layers: [BarSeries(name: "ε spent", values: budgets.map(\.epsilonSpent))],
            limits: budgets.map(\.epsilonBudget),
            limitName: "ε budget"
        )
        let table = HTMLTable(
            id: "budgets",
            caption: "Privacy budgets",
            columns: [
                .init("promoter"), .init("ε spent", numeric: true), .init("ε budget", numeric: true), .init("ε left", numeric: true),
                .init("δ", numeric: true), .init("status"),
            ],
            rows: budgets.map { row in
                [
                    row.promoter, ReportNumber.fixed(row.epsilonSpent, decimals: 3), ReportNumber.fixed(row.epsilonBudget, decimals: 3),
                    ReportNumber.fixed(max(0, row.epsilonBudget - row.epsilonSpent), decimals: 3), ReportNumber.compact(row.delta),
                    row.epsilonSpent > row.epsilonBudget ? "OVER BUDGET" : "within budget",
                ]
            }
        )
        let over = budgets.filter { $0.epsilonSpent > $0.epsilonBudget }.map(\.promoter)
        let paragraph =
            over.isEmpty
            ? "Every promoter is within its privacy budget."
            : "Over budget: \(over.joined(separator: ", ")). Releases beyond the budget should have been refused; investigate."
        return ReportSection(
            id: "privacy",
            title: "Privacy spending",
            paragraphs: [paragraph],
            content: [perRound.node, againstBudget.node, table.node]
        )
    }

    private var qualitySection: ReportSection {
        let rows = summary.quality
        var series = [BarSeries(name: "alone", values: rows.map(\.alone)), BarSeries(name: "federated", values: rows.map(\.federated))]
        if rows.contains(where: { $0.pooled != nil }) { series.append(BarSeries(name: "pooled (central)", values: rows.map(\.pooled))) }
        let chart = BarChart(
            id: "quality",
            title: "NDCG@10: alone, federated, pooled",
            caption:
                "Each promoter's members ranked by a model trained on its data alone, by the federated model, and by central training on pooled data (the upper reference).",
            xLabel: "promoter",
            yLabel: "NDCG@10",
            categories: rows.map(\.promoter),
            series: series
        )
        let table = HTMLTable(
            id: "quality",
            caption: "Model quality (NDCG@10)",
            columns: [
                .init("promoter"), .init("alone", numeric: true), .init("federated", numeric: true), .init("pooled", numeric: true),
                .init("federated − alone", numeric: true),
            ],
            rows: rows.map { row in
                [
                    row.promoter, ReportNumber.fixed(row.alone, decimals: 4), ReportNumber.fixed(row.federated, decimals: 4),
                    ReportNumber.fixed(row.pooled, decimals: 4), ReportNumber.fixed(row.federated - row.alone, decimals: 4),
                ]
            }
        )
        return ReportSection(id: "quality", title: "Model quality", content: [chart.node, table.node])
    }

    private static func matchSection(_ match: FederationSummary.MatchExample) -> ReportSection {
        let table = HTMLTable(
            id: "match",
            caption: "Top members for show \(match.show)",
            columns: [.init("rank", numeric: true), .init("member"), .init("score", numeric: true)],
            rows: match.members.enumerated().map {
                [String($0.offset + 1), $0.element.member, ReportNumber.fixed($0.element.score, decimals: 4)]
            }
        )
        return ReportSection(
            id: "match",
            title: "Audience matching example",
            paragraphs: [
                "The members a promoter's node ranks highest for an upcoming show, computed locally; member ids are the promoter's own pseudonyms."
            ],
            content: [table.node]
        )
    }
}
