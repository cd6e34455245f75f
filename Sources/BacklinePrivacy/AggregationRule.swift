/// How the server combines the accepted deltas of a round, coordinate by coordinate.
///
/// - ``weightedMean``: FedAvg, Σ wᵢxᵢ / Σ wᵢ with wᵢ the capped (noised) sample counts.
/// - ``coordinateMedian``: the median of each coordinate (Yin et al. 2018), unweighted, as Flower's FedMedian.
/// - ``trimmedMean(trimFraction:)``: per coordinate, drop the ⌊βn⌋ smallest and largest and average
///   the rest, unweighted, as Flower's FedTrimmedAvg.
/// All run in parallel over coordinate ranges.
public struct AggregationRule: Hashable, Sendable {
    private enum Kind: Hashable, Sendable {
        case weightedMean
        case median
        case trimmedMean(Double)
    }

    private let kind: Kind

    /// FedAvg's weighted mean.
    public static let weightedMean = Self(kind: .weightedMean)
    /// The coordinate-wise median.
    public static let coordinateMedian = Self(kind: .median)

    /// The coordinate-wise trimmed mean dropping a fraction `trimFraction` (in [0, 0.5)) at each end.
    /// - Throws: `invalid_parameter` for β outside [0, 0.5).
    public static func trimmedMean(trimFraction: Double) throws -> Self {
        guard trimFraction.isFinite, trimFraction >= 0, trimFraction < 0.5 else {
            throw PrivacyError.invalidParameter("trim fraction β", trimFraction, expected: "a number in [0, 0.5)")
        }
        return Self(kind: .trimmedMean(trimFraction))
    }

    /// A short name: `weighted_mean`, `median`, `trimmed_mean(0.2)`.
    public var name: String {
        switch kind {
        case .weightedMean: "weighted_mean"
        case .median: "median"
        case .trimmedMean(let beta): "trimmed_mean(\(beta))"
        }
    }

    /// Whether the rule ignores weights and looks at order statistics (robust to a few outliers).
    public var isRobust: Bool { kind != .weightedMean }

    /// Combines `updates` (each value multiplied by its entry of `scales`, the server-side norm
    /// clipping) into one delta of `count` values.
    func combine(_ updates: [ValidatedUpdate], scales: [Double], count: Int) -> [Float] {
        var output = [Float](repeating: 0, count: count)
        CoordinateParallel.withBuffers(updates.map(\.values)) { inputs in
            output.withUnsafeMutableBufferPointer { destination in
                switch kind {
                case .weightedMean:
                    let total = updates.reduce(0) { $0 + $1.weight }
                    let coefficients = zip(updates, scales).map { $0.weight * $1 / total }
                    CoordinateKernels.weightedSum(inputs, coefficients: coefficients, into: destination)
                case .median:
                    let n = updates.count
                    if n <= CoordinateKernels.networkLimit {
                        CoordinateKernels.sortedColumns(inputs, scales: scales, into: destination) {
                            CoordinateKernels.medianRow($0, n: n)
                        }
                    } else {
                        CoordinateKernels.orderStatistic(inputs, scales: scales, into: destination) {
                            CoordinateKernels.median($0)
                        }
                    }
                case .trimmedMean(let beta):
                    let n = updates.count
                    let trim = Int((beta * Double(n)).rounded(.down))
                    if n <= CoordinateKernels.networkLimit {
                        CoordinateKernels.sortedColumns(inputs, scales: scales, into: destination) {
                            CoordinateKernels.trimmedMeanRow($0, n: n, trim: trim)
                        }
                    } else {
                        CoordinateKernels.orderStatistic(inputs, scales: scales, into: destination) {
                            CoordinateKernels.trimmedMean($0, trim: trim)
                        }
                    }
                }
            }
        }
        return output
    }
}
