/// A line chart of several series over a numeric x axis, with axes, ticks, a legend and a point mark
/// (`<circle class="mark point">`, with a tooltip) for every drawable point.
public struct LineChart: Sendable {
    /// Stable identifier, written as `data-chart`.
    public let id: String
    /// The title (SVG `<title>` and caption heading).
    public let title: String
    /// One or two sentences saying what is shown.
    public let caption: String
    /// The x axis title.
    public let xLabel: String
    /// The y axis title.
    public let yLabel: String
    /// The series.
    public let series: [ChartSeries]
    /// Whether the y axis starts at (or includes) zero.
    public let includeZero: Bool
    /// Whether x values are whole numbers (rounds), so ticks are at least 1 apart.
    public let integerX: Bool

    /// A line chart.
    public init(
        id: String,
        title: String,
        caption: String,
        xLabel: String,
        yLabel: String,
        series: [ChartSeries],
        includeZero: Bool = true,
        integerX: Bool = false
    ) {
        self.id = id
        self.title = title
        self.caption = caption
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.includeZero = includeZero
        self.integerX = integerX
    }

    /// The `<figure>` element.
    public var node: HTMLNode {
        var notes = ChartNotes()
        let drawable: [[(x: Double, y: Double)?]] = series.map { series in
            series.points.map { point in
                guard notes.check(point.x) != nil, notes.check(point.y) != nil else { return nil }
                return point
            }
        }
        let points = drawable.flatMap { $0.compactMap { $0 } }
        let layout = ChartLayout(legendEntries: series.count)
        let xScale = ChartScale(covering: points.map(\.x), includeZero: false, minimumStep: integerX ? 1 : 0)
        let yScale = ChartScale(covering: points.map(\.y), includeZero: includeZero)
        var content: [HTMLNode] = [
            ChartAxes.valueAxis(yScale, layout: layout, title: yLabel),
            ChartAxes.numericAxis(xScale, layout: layout, title: xLabel),
        ]
        let c = ChartLayout.coordinate
        for (index, values) in drawable.enumerated() {
            let colour = ChartPalette.colour(index)
            let dash = ChartPalette.dash(index)
            var path = ""
            var penDown = false
            var marks: [HTMLNode] = []
            for value in values {
                guard let value else {
                    penDown = false
                    continue
                }
                let x = xScale.position(value.x, from: layout.plotLeft, to: layout.plotRight)
                let y = yScale.position(value.y, from: layout.plotBottom, to: layout.plotTop)
                path += (penDown ? " L" : " M") + c(x) + " " + c(y)
                penDown = true
                marks.append(
                    .element(
                        "circle",
                        [
                            HTMLAttribute("class", "mark point"), HTMLAttribute("cx", c(x)), HTMLAttribute("cy", c(y)),
                            HTMLAttribute("r", "3.5"), HTMLAttribute("fill", colour),
                        ],
                        [
                            .element(
                                "title",
                                text:
                                    "\(series[index].name): \(xLabel) \(ReportNumber.compact(value.x)), \(yLabel) \(ReportNumber.compact(value.y))"
                            )
                        ]
                    )
                )
            }
            var group: [HTMLNode] = []
            if !path.isEmpty {
                group.append(
                    .element(
                        "path",
                        [
                            HTMLAttribute("class", "line"), HTMLAttribute("d", String(path.dropFirst())),
                            HTMLAttribute("fill", "none"), HTMLAttribute("stroke", colour), HTMLAttribute("stroke-width", "2"),
                            HTMLAttribute("stroke-dasharray", dash.isEmpty ? "none" : dash),
                        ]
                    )
                )
            }
            content.append(.element("g", [HTMLAttribute("class", "series")], group + marks))
        }
        if points.isEmpty { content.append(ChartFigure.emptyMessage(layout)) }
        let legend = ChartLegend(
            entries: series.indices.map {
                .init(name: series[$0].name, colour: ChartPalette.colour($0), dash: ChartPalette.dash($0), line: true)
            }
        )
        content.append(legend.node(layout))
        return ChartFigure(
            id: id,
            title: title,
            caption: caption,
            notes: notes.sentences(empty: points.isEmpty),
            layout: layout,
            content: content
        ).node
    }
}
