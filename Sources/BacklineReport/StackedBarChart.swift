/// A stacked bar chart: one bar per category made of one segment per layer (`<rect class="mark bar">`
/// for every drawable value above zero; zeros add nothing to a stack and draw nothing), optionally with a limit per category drawn as a line across the bar
/// (`<line class="limit">`), e.g. ε spent against the budget.
public struct StackedBarChart: Sendable {
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
    /// The layers, bottom first; each has one value per category. Negative values are not stacked.
    public let layers: [BarSeries]
    /// A limit per category (nil for none), drawn as a line across its bar.
    public let limits: [Double?]
    /// The legend name of the limit line.
    public let limitName: String

    /// A stacked bar chart.
    public init(
        id: String,
        title: String,
        caption: String,
        xLabel: String,
        yLabel: String,
        categories: [String],
        layers: [BarSeries],
        limits: [Double?] = [],
        limitName: String = "limit"
    ) {
        self.id = id
        self.title = title
        self.caption = caption
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.layers = layers
        self.limits = limits
        self.limitName = limitName
    }

    /// The `<figure>` element.
    public var node: HTMLNode {
        var notes = ChartNotes()
        let values: [[Double?]] = layers.map { layer in
            categories.indices.map { index in notes.check(index < layer.values.count ? layer.values[index] : nil, allowNegative: false) }
        }
        var limitNotes = ChartNotes()
        let drawableLimits: [Double?] = categories.indices.map { index in
            index < limits.count && limits[index] != nil ? limitNotes.check(limits[index]) : nil
        }
        let totals = categories.indices.map { category in values.reduce(0.0) { $0 + ($1[category] ?? 0) } }
        let hasLimits = drawableLimits.contains { $0 != nil }
        let empty = !values.contains { $0.contains { $0 != nil } }
        let layout = ChartLayout(legendEntries: layers.count + (hasLimits ? 1 : 0))
        let scale = ChartScale(covering: totals.filter(\.isFinite) + drawableLimits.compactMap { $0 }, includeZero: true)
        var content: [HTMLNode] = [
            ChartAxes.valueAxis(scale, layout: layout, title: yLabel),
            ChartAxes.categoryAxis(categories, layout: layout, title: xLabel),
        ]
        var base = [Double](repeating: 0, count: categories.count)
        for (layerIndex, layerValues) in values.enumerated() {
            var marks: [HTMLNode] = []
            for (category, value) in layerValues.enumerated() {
                guard let value, value > 0 else { continue }
                let band = layout.band(category, of: categories.count)
                marks.append(
                    layout.bar(
                        x: band.start,
                        width: band.width,
                        from: base[category],
                        to: base[category] + value,
                        scale: scale,
                        colour: ChartPalette.colour(layerIndex),
                        tooltip: "\(categories[category]) · \(layers[layerIndex].name): \(ReportNumber.compact(value))"
                    )
                )
                base[category] += value
            }
            content.append(.element("g", [HTMLAttribute("class", "series")], marks))
        }
        let c = ChartLayout.coordinate
        let limitColour = "#a12a00"
        var limitLines: [HTMLNode] = []
        for (category, limit) in drawableLimits.enumerated() {
            guard let limit else { continue }
            let band = layout.band(category, of: categories.count)
            let y = scale.position(limit, from: layout.plotBottom, to: layout.plotTop)
            limitLines.append(
                .element(
                    "line",
                    [
                        HTMLAttribute("class", "limit"), HTMLAttribute("x1", c(band.start - 4)),
                        HTMLAttribute("x2", c(band.start + band.width + 4)),
                        HTMLAttribute("y1", c(y)), HTMLAttribute("y2", c(y)), HTMLAttribute("stroke", limitColour),
                        HTMLAttribute("stroke-width", "2.5"), HTMLAttribute("stroke-dasharray", "6 3"),
                    ],
                    [.element("title", text: "\(categories[category]) · \(limitName): \(ReportNumber.compact(limit))")]
                )
            )
        }
        content.append(.element("g", [HTMLAttribute("class", "limits")], limitLines))
        if empty { content.append(ChartFigure.emptyMessage(layout)) }
        var entries = layers.indices.map {
            ChartLegend.Entry(name: layers[$0].name, colour: ChartPalette.colour($0), dash: "", line: false)
        }
        if hasLimits { entries.append(.init(name: limitName, colour: limitColour, dash: "6 3", line: true)) }
        content.append(ChartLegend(entries: entries).node(layout))
        let limitSentences = limitNotes.notFinite > 0 ? ["\(limitNotes.notFinite) \(limitName) value(s) not finite and not drawn."] : []
        return ChartFigure(
            id: id,
            title: title,
            caption: caption,
            notes: notes.sentences(empty: empty) + limitSentences,
            layout: layout,
            content: content
        ).node
    }
}
