/// Sums noised histograms of the same query from many nodes (post-processing: no privacy cost).
///
/// Counts and normalised sums add; the noise variances add, so the combined std is
/// √(Σ σᵢ²). Suppression is then judged on the combined histogram.
public enum HistogramCombiner {
    /// Largest number of histograms combined at once.
    public static let maximumNodes = 100_000

    /// The cell-wise sum of `histograms`.
    /// - Throws: `incompatible_histograms` if they differ in query (name, measure, segment, clamp, L)
    ///   or cell labels, or a value is not finite; `invalid_query` for none or too many.
    public static func combine(_ histograms: [NoisedHistogram]) throws -> NoisedHistogram {
        guard let first = histograms.first, histograms.count <= maximumNodes else {
            throw AnalyticsError.invalidQuery("histogram count", histograms.count, expected: "1...\(maximumNodes)")
        }
        var combined = first
        var variance = 0.0
        for (index, histogram) in histograms.enumerated() {
            guard histogram.query == first.query else {
                throw AnalyticsError.incompatibleHistograms(index: index, "query definition")
            }
            guard histogram.cells.map(\.label) == first.cells.map(\.label) else {
                throw AnalyticsError.incompatibleHistograms(index: index, "cell labels")
            }
            let finite =
                histogram.noiseStandardDeviation.isFinite && histogram.noiseStandardDeviation > 0
                && histogram.nodes >= 1
                && histogram.cells.allSatisfy { $0.count.isFinite && $0.normalisedSum.isFinite }
            guard finite else { throw AnalyticsError.incompatibleHistograms(index: index, "finite values (NaN, Inf or σ ≤ 0)") }
            variance += histogram.noiseStandardDeviation * histogram.noiseStandardDeviation
            guard index > 0 else { continue }
            combined.nodes += histogram.nodes
            for cell in combined.cells.indices {
                combined.cells[cell].count += histogram.cells[cell].count
                combined.cells[cell].normalisedSum += histogram.cells[cell].normalisedSum
            }
        }
        combined.noiseStandardDeviation = variance.squareRoot()
        return combined
    }
}
