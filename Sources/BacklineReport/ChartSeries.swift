/// A named series of (x, y) points for a ``LineChart``. Points with a non-finite coordinate are
/// skipped when drawn, break the line there, and are counted in a note under the chart.
public struct ChartSeries: Sendable {
    /// The legend name.
    public let name: String
    /// The points in drawing order.
    public let points: [(x: Double, y: Double)]

    /// A series `name` through `points`.
    public init(name: String, points: [(x: Double, y: Double)]) {
        self.name = name
        self.points = points
    }
}
