/// A DP histogram: what may leave a node, and what ``HistogramCombiner`` sums across nodes.
///
/// Per cell: a noised member count and a noised sum of normalised values; the sum in the measure's
/// units and the mean follow by post-processing. ``noiseStandardDeviation`` is the std of the noise
/// on every count and normalised sum (√ of the sum of the nodes' variances after combining).
public struct NoisedHistogram: Sendable, Hashable, Codable {
    /// One cell.
    public struct Cell: Sendable, Hashable, Codable {
        /// The cell label.
        public let label: String
        /// Contributing members plus noise (may be fractional after combining, or negative).
        public var count: Double
        /// Σ (clamped mean − centre)/radius over contributing members, plus noise.
        public var normalisedSum: Double

        private enum CodingKeys: String, CodingKey {
            case label, count
            case normalisedSum = "normalised_sum"
        }
    }

    /// The query released.
    public let query: AnalyticsQuery
    /// How many node histograms were summed into this one.
    public var nodes: Int
    /// Noise std on each count and each normalised sum.
    public var noiseStandardDeviation: Double
    /// The cells, in the segment's order.
    public var cells: [Cell]

    /// The noised sum of cell `index` in the measure's units: radius·normalised + centre·count.
    public func sum(_ index: Int) -> Double {
        query.radius * cells[index].normalisedSum + query.centre * cells[index].count
    }

    /// The std of ``sum(_:)``'s noise: σ·√(radius² + centre²).
    public var sumStandardDeviation: Double {
        noiseStandardDeviation * (query.radius * query.radius + query.centre * query.centre).squareRoot()
    }

    /// The noised mean of cell `index` (sum over count, the count floored at 1), clamped to the
    /// query's range (post-processing), or nil when the cell is suppressed.
    public func mean(_ index: Int) -> Double? {
        guard !isSuppressed(index) else { return nil }
        let value = query.centre + query.radius * cells[index].normalisedSum / max(cells[index].count, 1)
        return min(query.upper, max(query.lower, value))
    }

    /// An approximate std of ``mean(_:)`` (delta method): radius·σ·√(1 + m²)/count, where m is the
    /// normalised mean.
    public func meanStandardDeviation(_ index: Int) -> Double {
        let count = max(cells[index].count, 1)
        let normalisedMean = cells[index].normalisedSum / count
        return query.radius * noiseStandardDeviation * (1 + normalisedMean * normalisedMean).squareRoot() / count
    }

    /// Whether cell `index` is too noisy to report: the noise std exceeds its noised count, or
    /// the magnitude of its noised sum.
    public func isSuppressed(_ index: Int) -> Bool {
        noiseStandardDeviation >= cells[index].count || sumStandardDeviation >= sum(index).magnitude
    }

    /// The index of the cell labelled `label`.
    public func index(of label: String) -> Int? { cells.firstIndex { $0.label == label } }

    private enum CodingKeys: String, CodingKey {
        case query, nodes, cells
        case noiseStandardDeviation = "noise_std"
    }
}
