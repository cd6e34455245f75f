/// The colours and line dashes of chart series: the Okabe–Ito palette, which stays distinguishable
/// under the common colour-vision deficiencies, plus a dash pattern per series so lines also differ
/// in print and in greyscale.
public enum ChartPalette {
    /// Series colours in order (blue, orange, bluish green, reddish purple, sky blue, vermillion, yellow, black).
    public static let colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    /// Dash patterns in order; the empty string is a solid line.
    public static let dashes = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 2 1 2", "12 2"]

    /// The colour of series `index` (the palette repeats after eight series).
    public static func colour(_ index: Int) -> String { colours[((index % colours.count) + colours.count) % colours.count] }
    /// The dash pattern of series `index`, changing once the colours repeat as well.
    public static func dash(_ index: Int) -> String { dashes[((index % dashes.count) + dashes.count) % dashes.count] }
}
