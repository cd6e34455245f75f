import BacklineReport
import Foundation
import Testing

@Suite struct ChartTests {
    private func points(_ ys: [Double]) -> [(x: Double, y: Double)] { ys.enumerated().map { (Double($0.offset + 1), $0.element) } }

    private func expectWellFormed(_ html: String, chart id: String) {
        #expect(HTMLMarkup.occurrences("data-chart=\"\(id)\"", in: html) == 1)
        #expect(html.contains("<title id=\"\(id)-title\">"))
        #expect(html.contains("<figcaption>"))
        for bad in ["nan", "inf\"", "NaN", "Infinity"] {
            #expect(!html.contains("=\"\(bad)") && !html.contains(" \(bad) ") && !html.contains(",\(bad)"), "\(bad) in coordinates")
        }
        #expect(!HTMLMarkup.hasActiveOrRemoteContent(html))
    }

    @Test func lineChartDrawsAPointPerValueAndALinePerSeries() {
        let chart = LineChart(
            id: "l",
            title: "t",
            caption: "c",
            xLabel: "round",
            yLabel: "ε",
            series: [
                ChartSeries(name: "p1", points: points([0.1, 0.2, 0.3])), ChartSeries(name: "p2", points: points([0.2, 0.4])),
                ChartSeries(name: "p3", points: points([1])),
            ]
        )
        let html = chart.node.rendered
        expectWellFormed(html, chart: "l")
        #expect(HTMLMarkup.count(html, tag: "circle", className: "mark") == 6)
        #expect(HTMLMarkup.count(html, tag: "path", className: "line") == 3)
        #expect(HTMLMarkup.count(html, tag: "g", className: "legend-entry") == 3)
        #expect(!html.contains("class=\"note\""), "nothing skipped, so no note")
    }

    @Test func lineChartSkipsNaNAndInfinityWithANote() {
        let chart = LineChart(
            id: "skips",
            title: "t",
            caption: "c",
            xLabel: "x",
            yLabel: "y",
            series: [ChartSeries(name: "s", points: [(1, 0.5), (2, .nan), (3, 0.7), (.infinity, 1), (5, -.infinity)])]
        )
        let html = chart.node.rendered
        expectWellFormed(html, chart: "skips")
        #expect(HTMLMarkup.count(html, tag: "circle", className: "mark") == 2)
        #expect(html.contains("3 values were not a finite number"))
        let path = html.components(separatedBy: "class=\"line\" d=\"")[1].prefix { $0 != "\"" }
        #expect(path.filter { $0 == "M" }.count == 2, "the line breaks at the skipped point: \(path)")
    }

    @Test func emptyChartsSayNoDataAndDrawNoMarks() {
        let line = LineChart(id: "e1", title: "t", caption: "c", xLabel: "x", yLabel: "y", series: [ChartSeries(name: "s", points: [])])
            .node.rendered
        let bars = BarChart(id: "e2", title: "t", caption: "c", xLabel: "x", yLabel: "y", categories: [], series: []).node.rendered
        let stacked = StackedBarChart(id: "e3", title: "t", caption: "c", xLabel: "x", yLabel: "y", categories: ["a"], layers: []).node
            .rendered
        for (html, id) in [(line, "e1"), (bars, "e2"), (stacked, "e3")] {
            expectWellFormed(html, chart: id)
            #expect(HTMLMarkup.count(html, tag: "circle", className: "mark") + HTMLMarkup.count(html, tag: "rect", className: "mark") == 0)
            #expect(html.contains("no data to plot"))
        }
    }

    @Test func singlePointIsDrawnInsideThePlot() {
        let html = LineChart(
            id: "one",
            title: "t",
            caption: "c",
            xLabel: "x",
            yLabel: "y",
            series: [ChartSeries(name: "s", points: [(7, 0.42)])],
            integerX: true
        ).node.rendered
        expectWellFormed(html, chart: "one")
        #expect(HTMLMarkup.count(html, tag: "circle", className: "mark") == 1)
    }

    @Test(arguments: [1e300, Double.greatestFiniteMagnitude, 1e-300, -1e250])
    func hugeAndTinyValuesStayFinite(value: Double) {
        let line = LineChart(
            id: "big",
            title: "t",
            caption: "c",
            xLabel: "x",
            yLabel: "y",
            series: [ChartSeries(name: "s", points: [(0, value), (1, -value), (2, 0)])]
        ).node.rendered
        expectWellFormed(line, chart: "big")
        #expect(HTMLMarkup.count(line, tag: "circle", className: "mark") == 3)
        let bars = BarChart(
            id: "bigbar",
            title: "t",
            caption: "c",
            xLabel: "x",
            yLabel: "y",
            categories: ["a", "b"],
            series: [BarSeries(name: "s", values: [value, -value])]
        ).node.rendered
        expectWellFormed(bars, chart: "bigbar")
        #expect(HTMLMarkup.count(bars, tag: "rect", className: "mark") == 2)
    }

    @Test func groupedBarsDrawOneBarPerAvailableValue() {
        let chart = BarChart(
            id: "q",
            title: "t",
            caption: "c",
            xLabel: "promoter",
            yLabel: "NDCG@10",
            categories: ["p1", "p2", "p3"],
            series: [
                BarSeries(name: "alone", values: [0.1, 0.2, 0.3]), BarSeries(name: "federated", values: [0.2, nil, .nan]),
                BarSeries(name: "pooled", values: [0.3]),
            ]
        )
        let html = chart.node.rendered
        expectWellFormed(html, chart: "q")
        #expect(HTMLMarkup.count(html, tag: "rect", className: "mark") == 5)
        #expect(html.contains("1 value was not a finite number"))
        #expect(html.contains("3 values are not available"))
    }

    @Test func stackedBarsStackLayersAndDrawLimits() {
        let chart = StackedBarChart(
            id: "s",
            title: "t",
            caption: "c",
            xLabel: "hour",
            yLabel: "requests",
            categories: ["h1", "h2", "h3"],
            layers: [BarSeries(name: "allowed", values: [5, 0, 3]), BarSeries(name: "denied", values: [1, -2, 2])],
            limits: [6, nil, 4],
            limitName: "budget"
        )
        let html = chart.node.rendered
        expectWellFormed(html, chart: "s")
        #expect(HTMLMarkup.count(html, tag: "rect", className: "mark") == 4, "zero and negative segments draw nothing")
        #expect(HTMLMarkup.count(html, tag: "line", className: "limit") == 2)
        #expect(html.contains("1 negative value is not drawn"))
        #expect(html.contains(">budget</text>"), "the limit has a legend entry")
    }

    @Test func seriesNamesAreEscapedInLegendsAndTooltips() {
        let name = "<script>alert('x')</script>"
        let html = BarChart(
            id: "x",
            title: name,
            caption: name,
            xLabel: name,
            yLabel: name,
            categories: [name],
            series: [BarSeries(name: name, values: [1])]
        ).node.rendered
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;"))
    }
}
