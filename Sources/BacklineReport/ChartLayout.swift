/// The fixed geometry of every chart: an SVG 760 wide, the plot area inside margins for axes, and a
/// legend below it whose height grows with the number of entries.
struct ChartLayout: Sendable {
    static let width = 760.0
    static let plotHeight = 260.0
    static let left = 78.0
    static let right = 24.0
    static let top = 16.0
    static let axisBand = 54.0
    static let legendRowHeight = 20.0
    static let legendColumns = 3

    /// Rows of legend entries.
    let legendRows: Int

    /// A layout with room for `legendEntries` legend entries.
    init(legendEntries: Int) {
        legendRows = (legendEntries + Self.legendColumns - 1) / Self.legendColumns
    }

    var plotLeft: Double { Self.left }
    var plotRight: Double { Self.width - Self.right }
    var plotTop: Double { Self.top }
    var plotBottom: Double { Self.top + Self.plotHeight }
    var legendTop: Double { plotBottom + Self.axisBand }
    var height: Double { legendTop + Double(legendRows) * Self.legendRowHeight + 8 }
}

extension ChartLayout {
    /// A pixel coordinate as SVG attribute text, one decimal.
    static func coordinate(_ value: Double) -> String { ReportNumber.fixed(value, decimals: 1) }
}

extension ChartLayout {
    /// The horizontal extent of category `index` of `count` equal bands across the plot, with 10 %
    /// padding on each side: where that category's bars go.
    func band(_ index: Int, of count: Int) -> (start: Double, width: Double) {
        let full = (plotRight - plotLeft) / Double(max(count, 1))
        return (plotLeft + full * Double(index) + full * 0.1, full * 0.8)
    }

    /// A bar mark: a rectangle between the values `from` and `to` of `scale`, with a tooltip.
    func bar(x: Double, width: Double, from: Double, to: Double, scale: ChartScale, colour: String, tooltip: String) -> HTMLNode {
        let c = Self.coordinate
        let y0 = scale.position(from, from: plotBottom, to: plotTop)
        let y1 = scale.position(to, from: plotBottom, to: plotTop)
        return .element(
            "rect",
            [
                HTMLAttribute("class", "mark bar"), HTMLAttribute("x", c(x)), HTMLAttribute("y", c(min(y0, y1))),
                HTMLAttribute("width", c(max(width, 0.5))), HTMLAttribute("height", c(abs(y1 - y0))), HTMLAttribute("fill", colour),
            ],
            [.element("title", text: tooltip)]
        )
    }
}
