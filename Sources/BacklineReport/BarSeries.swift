/// A named series of values, one per category, for a ``BarChart`` or a layer of a ``StackedBarChart``.
/// `nil` means "not available"; nil and non-finite values draw no bar and are counted in a note.
public struct BarSeries: Sendable {
    /// The legend name.
    public let name: String
    /// One value per category; a shorter array leaves the last categories without a bar.
    public let values: [Double?]

    /// A series `name` with `values`.
    public init(name: String, values: [Double?]) {
        self.name = name
        self.values = values
    }
}
