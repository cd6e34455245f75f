public import BacklinePrivacy

/// The Gaussian mechanism of one DP histogram query.
///
/// Released vector: per cell, the count of contributing members and the sum of their normalised
/// values (mean − centre)/radius ∈ [−1, 1]. One member adds 1 to at most L counts and at most 1 in
/// magnitude to the same L sums, so the L2 sensitivity is Δ = √(2L). Every coordinate gets noise of
/// standard deviation z·Δ from BacklinePrivacy's exact discrete Gaussian: counts on ℤ, sums on the
/// lattice γℤ (γ a power of two ≤ 2⁻¹⁰, on which the contributions were rounded first), so the
/// released values are exact multiples of γ. The ledger charges (z, q = 1, 1 step, Δ).
public struct HistogramMechanism: Sendable, Hashable {
    /// The query released.
    public let query: AnalyticsQuery
    /// z: the noise std over the L2 sensitivity.
    public let noiseMultiplier: Double
    /// The lattice step of the normalised sums.
    public let granularity: Double
    let sumNoise: LatticeGaussianNoise
    let countNoise: LatticeGaussianNoise

    /// A mechanism with noise multiplier `noiseMultiplier`.
    /// - Throws: `invalid_parameter` unless z is finite and > 0 and the noise fits the lattice.
    public init(query: AnalyticsQuery, noiseMultiplier: Double) throws {
        guard noiseMultiplier.isFinite, noiseMultiplier > 0, noiseMultiplier <= 1e5 else {
            throw PrivacyError.invalidParameter(
                "noise multiplier z",
                noiseMultiplier,
                expected: "a finite number in (0, 1e5] (0 would release raw data)"
            )
        }
        self.query = query
        self.noiseMultiplier = noiseMultiplier
        let deviation = noiseMultiplier * (2 * Double(query.maxCellsPerMember)).squareRoot()
        var step = 1.0 / 1024
        while deviation / step > Double(1 << 26) { step *= 2 }
        granularity = step
        sumNoise = try LatticeGaussianNoise(standardDeviation: deviation, granularity: step)
        countNoise = try LatticeGaussianNoise(standardDeviation: deviation, granularity: 1)
    }

    /// The mechanism that is (ε, δ)-DP for this single release: the smallest z the RDP accountant
    /// finds for one unsampled Gaussian release.
    /// - Throws: `invalid_parameter` for bad ε or δ, `unreachable_target` for a tiny ε.
    public init(query: AnalyticsQuery, epsilon: Double, delta: Double) throws {
        let z = try RDPAccountant.noiseMultiplier(targetEpsilon: epsilon, delta: delta, samplingRate: 1, steps: 1)
        try self.init(query: query, noiseMultiplier: z)
    }

    /// The L2 sensitivity Δ = √(2L) of the released vector.
    public var sensitivity: Double { (2 * Double(query.maxCellsPerMember)).squareRoot() }

    /// The noise std of every released coordinate (count, normalised sum), at least z·Δ.
    public var noiseStandardDeviation: Double {
        max(sumNoise.effectiveStandardDeviation, countNoise.effectiveStandardDeviation)
    }

    /// What the ledger records.
    public var parameters: MechanismParameters {
        MechanismParameters(noiseMultiplier: noiseMultiplier, samplingRate: 1, steps: 1, sensitivity: sensitivity)
    }

    /// Noises `sums` (internal: only ``AnalyticsEngine/release(_:ledger:persistence:using:)``,
    /// which charges the ledger first, and the accuracy table call it).
    func noise(_ sums: BoundedSums, using source: inout some NoiseRandomSource) -> NoisedHistogram {
        let labels = query.segment.cells
        var cells: [NoisedHistogram.Cell] = []
        cells.reserveCapacity(labels.count)
        for index in labels.indices {
            let count = sums.counts[index] + countNoise.sampleSteps(using: &source)
            let steps = sums.steps[index] + sumNoise.sampleSteps(using: &source)
            cells.append(NoisedHistogram.Cell(label: labels[index], count: Double(count), normalisedSum: Double(steps) * granularity))
        }
        return NoisedHistogram(query: query, nodes: 1, noiseStandardDeviation: noiseStandardDeviation, cells: cells)
    }
}
