/// The behaviour section shared by the federation and promoter reports: a table of every measure and
/// segment, and one grouped bar chart per measure (measures have different units), the promoter's
/// exact local value beside the federation's noised one.
public struct BehaviourComparison: Sendable {
    /// The rows shown.
    public let rows: [FederationSummary.Behaviour]

    /// A comparison of `rows`.
    public init(rows: [FederationSummary.Behaviour]) {
        self.rows = rows
    }

    /// The measures in first-seen order.
    var measures: [String] {
        var seen = Set<String>()
        return rows.map(\.measure).filter { seen.insert($0).inserted }
    }

    /// The section: charts `behaviour-1`, `behaviour-2`… (one per measure) and table `behaviour`.
    /// Without any federation figure the charts show the local series only.
    public var section: ReportSection {
        let hasFederation = rows.contains { $0.federation != nil || $0.suppressed }
        let charts = measures.enumerated().map { index, measure in
            let measureRows = rows.filter { $0.measure == measure }
            var series = [BarSeries(name: "local (exact)", values: measureRows.map(\.local))]
            if hasFederation {
                series.append(BarSeries(name: "federation (noised)", values: measureRows.map { $0.suppressed ? nil : $0.federation }))
            }
            return BarChart(
                id: "behaviour-\(index + 1)",
                title: "Behaviour: \(measure)",
                caption: "The promoter's exact value per segment beside the federation's published, noised figure.",
                xLabel: "segment",
                yLabel: measure,
                categories: measureRows.map(\.segment),
                series: series
            ).node
        }
        let table = HTMLTable(
            id: "behaviour",
            caption: "Behaviour measures",
            columns: [.init("measure"), .init("segment"), .init("local", numeric: true), .init("federation", numeric: true)],
            rows: rows.map { row in
                [
                    row.measure, row.segment, ReportNumber.compact(row.local),
                    row.suppressed ? "suppressed" : row.federation.map(ReportNumber.compact) ?? "–",
                ]
            }
        )
        let suppressed = rows.filter(\.suppressed).count
        var paragraphs = [
            "Local values are exact and never leave the node; federation values are the differentially private figures the aggregator published."
        ]
        if suppressed > 0 {
            paragraphs.append(
                "\(suppressed) federation value\(suppressed == 1 ? " is" : "s are") suppressed because the noise exceeds the value."
            )
        }
        return ReportSection(id: "behaviour", title: "Audience behaviour", paragraphs: paragraphs, content: charts + [table.node])
    }
}
