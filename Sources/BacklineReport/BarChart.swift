/// A grouped bar chart: one group per category, one bar per series (`<rect class="mark bar">` with a
/// tooltip) for every drawable value, a zero baseline, axes and a legend.
public struct BarChart: Sendable {
    /// Stable identifier, written as `data-chart`.
    public let id: String
    /// The title (SVG `<title>` and caption heading).
    public let title: String
    /// One or two sentences saying what is shown.
    public let caption: String
    /// The x axis title (what the categories are).
    public let xLabel: String
    /// The y axis title.
    public let yLabel: String
    /// The category names, left to right.
    public let categories: [String]
    /// The series; each has one value per category.
    public let series: [BarSeries]

    /// A grouped bar chart.
    public init(id: String, title: String, caption: String, xLabel: String, yLabel: String, categories: [String], series: [BarSeries]) {
        self.id = id
        self.title = title
        self.caption = caption
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
    }

    /// The `<figure>` element.
    public var node: HTMLNode {
        var notes = ChartNotes()
        let values: [[Double?]] = series.map { series in
            categories.indices.map { index in notes.check(index < series.values.count ? series.values[index] : nil) }
        }
        let drawable = values.flatMap { $0.compactMap { $0 } }
        let layout = ChartLayout(legendEntries: series.count)
        let scale = ChartScale(covering: drawable, includeZero: true)
        var content: [HTMLNode] = [
            ChartAxes.valueAxis(scale, layout: layout, title: yLabel),
            ChartAxes.categoryAxis(categories, layout: layout, title: xLabel),
        ]
        for (seriesIndex, seriesValues) in values.enumerated() {
            var marks: [HTMLNode] = []
            for (category, value) in seriesValues.enumerated() {
                guard let value else { continue }
                let band = layout.band(category, of: categories.count)
                let width = band.width / Double(series.count)
                marks.append(
                    layout.bar(
                        x: band.start + width * Double(seriesIndex),
                        width: width,
                        from: 0,
                        to: value,
                        scale: scale,
                        colour: ChartPalette.colour(seriesIndex),
                        tooltip: "\(categories[category]) · \(series[seriesIndex].name): \(ReportNumber.compact(value))"
                    )
                )
            }
            content.append(.element("g", [HTMLAttribute("class", "series")], marks))
        }
        if drawable.isEmpty { content.append(ChartFigure.emptyMessage(layout)) }
        let legend = ChartLegend(
            entries: series.indices.map {
                .init(name: series[$0].name, colour: ChartPalette.colour($0), dash: "", line: false)
            }
        )
        content.append(legend.node(layout))
        return ChartFigure(
            id: id,
            title: title,
            caption: caption,
            notes: notes.sentences(empty: drawable.isEmpty),
            layout: layout,
            content: content
        ).node
    }
}
