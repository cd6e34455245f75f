/// The parts of a chart's frame: the value axis with grid lines, a numeric or categorical x axis and
/// the axis titles.
enum ChartAxes {
    private static func c(_ value: Double) -> String { ChartLayout.coordinate(value) }

    /// The y axis: a grid line and label per tick of `scale`, the axis line and its title.
    static func valueAxis(_ scale: ChartScale, layout: ChartLayout, title: String) -> HTMLNode {
        var nodes: [HTMLNode] = []
        for tick in scale.ticks {
            let y = scale.position(tick, from: layout.plotBottom, to: layout.plotTop)
            nodes.append(
                .element(
                    "line",
                    [
                        HTMLAttribute("x1", c(layout.plotLeft)), HTMLAttribute("x2", c(layout.plotRight)),
                        HTMLAttribute("y1", c(y)), HTMLAttribute("y2", c(y)), HTMLAttribute("class", "grid-line"),
                        HTMLAttribute("stroke", "#ddd"),
                    ]
                )
            )
            nodes.append(
                .element(
                    "text",
                    [
                        HTMLAttribute("x", c(layout.plotLeft - 6)), HTMLAttribute("y", c(y + 4)),
                        HTMLAttribute("text-anchor", "end"),
                    ],
                    text: ReportNumber.compact(tick)
                )
            )
        }
        nodes.append(
            .element(
                "line",
                [
                    HTMLAttribute("x1", c(layout.plotLeft)), HTMLAttribute("x2", c(layout.plotLeft)),
                    HTMLAttribute("y1", c(layout.plotTop)), HTMLAttribute("y2", c(layout.plotBottom)),
                    HTMLAttribute("stroke", "#555"),
                ]
            )
        )
        let middle = (layout.plotTop + layout.plotBottom) / 2
        nodes.append(
            .element(
                "text",
                [
                    HTMLAttribute("transform", "translate(16 \(c(middle))) rotate(-90)"),
                    HTMLAttribute("text-anchor", "middle"),
                ],
                text: title
            )
        )
        return .element("g", [HTMLAttribute("class", "axis y-axis")], nodes)
    }

    /// A numeric x axis: a tick mark and label per tick of `scale`, the axis line and its title.
    static func numericAxis(_ scale: ChartScale, layout: ChartLayout, title: String) -> HTMLNode {
        var nodes = [baseline(layout)]
        for tick in scale.ticks {
            let x = scale.position(tick, from: layout.plotLeft, to: layout.plotRight)
            nodes.append(
                .element(
                    "line",
                    [
                        HTMLAttribute("x1", c(x)), HTMLAttribute("x2", c(x)), HTMLAttribute("y1", c(layout.plotBottom)),
                        HTMLAttribute("y2", c(layout.plotBottom + 5)), HTMLAttribute("stroke", "#555"),
                    ]
                )
            )
            nodes.append(
                .element(
                    "text",
                    [
                        HTMLAttribute("x", c(x)), HTMLAttribute("y", c(layout.plotBottom + 18)),
                        HTMLAttribute("text-anchor", "middle"),
                    ],
                    text: ReportNumber.compact(tick)
                )
            )
        }
        nodes.append(axisTitle(title, layout: layout))
        return .element("g", [HTMLAttribute("class", "axis x-axis")], nodes)
    }

    /// A categorical x axis: one label per band (every n-th when there are many), shortened to fit,
    /// with the full text as a tooltip.
    static func categoryAxis(_ categories: [String], layout: ChartLayout, title: String) -> HTMLNode {
        var nodes = [baseline(layout)]
        let band = (layout.plotRight - layout.plotLeft) / Double(max(categories.count, 1))
        let every = max(1, Int((60 / band).rounded(.up)))
        let maximumCharacters = max(3, Int(band * Double(every) / 7))
        for (index, category) in categories.enumerated() where index % every == 0 {
            let x = layout.plotLeft + band * (Double(index) + 0.5)
            let label = category.count > maximumCharacters ? String(category.prefix(maximumCharacters - 1)) + "…" : category
            nodes.append(
                .element(
                    "text",
                    [
                        HTMLAttribute("x", c(x)), HTMLAttribute("y", c(layout.plotBottom + 18)),
                        HTMLAttribute("text-anchor", "middle"),
                    ],
                    [.element("title", text: category), .text(label)]
                )
            )
        }
        nodes.append(axisTitle(title, layout: layout))
        return .element("g", [HTMLAttribute("class", "axis x-axis")], nodes)
    }

    private static func baseline(_ layout: ChartLayout) -> HTMLNode {
        .element(
            "line",
            [
                HTMLAttribute("x1", c(layout.plotLeft)), HTMLAttribute("x2", c(layout.plotRight)),
                HTMLAttribute("y1", c(layout.plotBottom)), HTMLAttribute("y2", c(layout.plotBottom)),
                HTMLAttribute("stroke", "#555"),
            ]
        )
    }

    private static func axisTitle(_ title: String, layout: ChartLayout) -> HTMLNode {
        .element(
            "text",
            [
                HTMLAttribute("x", c((layout.plotLeft + layout.plotRight) / 2)), HTMLAttribute("y", c(layout.plotBottom + 40)),
                HTMLAttribute("text-anchor", "middle"),
            ],
            text: title
        )
    }
}
