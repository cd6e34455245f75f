/// The frame every chart shares: `<figure class="chart" data-chart="id">` holding an inline SVG with
/// a `<title>` and `<desc>`, and a caption with notes about skipped or missing values.
struct ChartFigure: Sendable {
    let id: String
    let title: String
    let caption: String
    let notes: [String]
    let layout: ChartLayout
    let content: [HTMLNode]

    /// Text drawn in the middle of the plot area when there is nothing to plot.
    static func emptyMessage(_ layout: ChartLayout) -> HTMLNode {
        .element(
            "text",
            [
                HTMLAttribute("x", ChartLayout.coordinate((layout.plotLeft + layout.plotRight) / 2)),
                HTMLAttribute("y", ChartLayout.coordinate((layout.plotTop + layout.plotBottom) / 2)),
                HTMLAttribute("text-anchor", "middle"), HTMLAttribute("class", "empty"),
            ],
            text: "no data to plot"
        )
    }

    var node: HTMLNode {
        let c = ChartLayout.coordinate
        let svg = HTMLNode.element(
            "svg",
            [
                HTMLAttribute("viewBox", "0 0 \(c(ChartLayout.width)) \(c(layout.height))"),
                HTMLAttribute("width", c(ChartLayout.width)), HTMLAttribute("height", c(layout.height)), HTMLAttribute("role", "img"),
                HTMLAttribute("aria-labelledby", "\(id)-title \(id)-desc"),
            ],
            [
                .element("title", [HTMLAttribute("id", "\(id)-title")], text: title),
                .element("desc", [HTMLAttribute("id", "\(id)-desc")], text: caption),
            ] + content
        )
        var captionNodes: [HTMLNode] = [.element("strong", text: title), .text(". " + caption)]
        for note in notes {
            captionNodes.append(.element("br"))
            captionNodes.append(.element("span", [HTMLAttribute("class", "note")], text: "Note: " + note))
        }
        return .element(
            "figure",
            [HTMLAttribute("class", "chart"), HTMLAttribute("data-chart", id)],
            [svg, .element("figcaption", [], captionNodes)]
        )
    }
}
