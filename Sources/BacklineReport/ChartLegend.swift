/// A chart legend: one swatch and name per series, laid out in ``ChartLayout/legendColumns`` columns
/// below the plot.
struct ChartLegend: Sendable {
    /// One entry: a series name, its colour and dash, and whether it is drawn as a line (else a box).
    struct Entry: Sendable {
        let name: String
        let colour: String
        let dash: String
        let line: Bool
    }

    let entries: [Entry]

    /// The `<g class="legend">` element.
    func node(_ layout: ChartLayout) -> HTMLNode {
        let columnWidth = (ChartLayout.width - layout.plotLeft) / Double(ChartLayout.legendColumns)
        let maximumCharacters = Int(columnWidth / 7) - 4
        let items = entries.enumerated().map { index, entry -> HTMLNode in
            let x = layout.plotLeft + Double(index % ChartLayout.legendColumns) * columnWidth
            let y = layout.legendTop + Double(index / ChartLayout.legendColumns) * ChartLayout.legendRowHeight
            let c = ChartLayout.coordinate
            let swatch: HTMLNode =
                entry.line
                ? .element(
                    "line",
                    [
                        HTMLAttribute("x1", c(x)), HTMLAttribute("x2", c(x + 22)), HTMLAttribute("y1", c(y)), HTMLAttribute("y2", c(y)),
                        HTMLAttribute("stroke", entry.colour), HTMLAttribute("stroke-width", "2.5"),
                        HTMLAttribute("stroke-dasharray", entry.dash.isEmpty ? "none" : entry.dash),
                    ]
                )
                : .element(
                    "rect",
                    [
                        HTMLAttribute("x", c(x + 4)), HTMLAttribute("y", c(y - 6)), HTMLAttribute("width", "12"),
                        HTMLAttribute("height", "12"), HTMLAttribute("fill", entry.colour),
                    ]
                )
            let label = entry.name.count > maximumCharacters ? String(entry.name.prefix(maximumCharacters - 1)) + "…" : entry.name
            return .element(
                "g",
                [HTMLAttribute("class", "legend-entry")],
                [
                    .element("title", text: entry.name), swatch,
                    .element("text", [HTMLAttribute("x", c(x + 28)), HTMLAttribute("y", c(y + 4))], text: label),
                ]
            )
        }
        return .element("g", [HTMLAttribute("class", "legend")], items)
    }
}
