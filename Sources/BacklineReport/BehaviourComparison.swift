/// The behaviour section shared by the federation and promoter reports: a table and grouped bars of
/// each measure and segment, the promoter's exact local value beside the federation's noised one.
public struct BehaviourComparison: Sendable {
    /// The rows shown.
    public let rows: [FederationSummary.Behaviour]

    /// A comparison of `rows`.
    public init(rows: [FederationSummary.Behaviour]) {
        self.rows = rows
    }

    /// The section, with chart `behaviour` and table `behaviour`.
    public var section: ReportSection {
        let categories = rows.map { "\($0.measure) · \($0.segment)" }
        let chart = BarChart(
            id: "behaviour", title: "Behaviour: local against federation",
            caption: "The promoter's exact value of each measure and segment beside the federation's published, noised figure.",
            xLabel: "measure · segment", yLabel: "value", categories: categories,
            series: [BarSeries(name: "local (exact)", values: rows.map(\.local)),
                     BarSeries(name: "federation (noised)", values: rows.map { $0.suppressed ? nil : $0.federation })])
        let table = HTMLTable(
            id: "behaviour", caption: "Behaviour measures",
            columns: [.init("measure"), .init("segment"), .init("local", numeric: true), .init("federation", numeric: true)],
            rows: rows.map { row in
                [row.measure, row.segment, ReportNumber.compact(row.local),
                 row.suppressed ? "suppressed" : row.federation.map(ReportNumber.compact) ?? "–"]
            })
        let suppressed = rows.filter(\.suppressed).count
        var paragraphs = ["Local values are exact and never leave the node; federation values are the differentially private sums the aggregator published."]
        if suppressed > 0 {
            paragraphs.append("\(suppressed) federation value\(suppressed == 1 ? " is" : "s are") suppressed because the noise exceeds the value.")
        }
        return ReportSection(id: "behaviour", title: "Audience behaviour", paragraphs: paragraphs, content: [chart.node, table.node])
    }
}
