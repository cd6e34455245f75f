import BacklineCore
public import BacklineModel

/// Turns a node's release (the noised sum S_p of its members' clipped gradients and the noised
/// count N_p) into the update a server strategy averages: Δ_p = −(S_p/N_p + r∘g/N), with g the
/// global parameters, r the per-coordinate regularisation scale (2λ on artist factors, 2λ_f on
/// feature embeddings) and N = Σ N_p. The N_p-weighted mean of the Δ_p is then the negative mean
/// gradient of the federation's objective −(ΣS_p + r∘g)/N, which the server optimizer steps along.
/// Both the in-process ``FederatedTrainer`` and the aggregator service use it.
public struct GradientSumConversion: Sendable {
    /// Per-coordinate regularisation scale r, in flattened parameter order.
    public let regularizationScale: [Float]

    /// The conversion for `parameters` (flattened in their order) with λ on the artist factors and
    /// λ_f on every other tensor (the feature embeddings).
    public init(parameters: ParameterSet, regularization: Float, featureRegularization: Float) {
        var scale: [Float] = []
        for name in parameters.names {
            let lambda = name == FactorModel.artistFactorsName ? regularization : featureRegularization
            scale += [Float](repeating: 2 * lambda, count: parameters[name]!.count)
        }
        regularizationScale = scale
    }

    /// Δ_p for a release of `gradientSum` over `count` members (at least 1), out of `totalCount`
    /// members in the round, at `global`. All three arrays have the same length.
    public func descentDirection(gradientSum: [Float], count: Double, totalCount: Double, global: [Float]) -> [Float] {
        precondition(gradientSum.count == global.count && regularizationScale.count == global.count, "lengths differ")
        var delta = gradientSum
        convertToDescentDirection(&delta, count: count, totalCount: totalCount, global: global)
        return delta
    }

    /// ``descentDirection(gradientSum:count:totalCount:global:)`` computed in place over `values`
    /// (the gradient sum on entry), so a round converts each 4.5 MB update without allocating
    /// another; the coordinates are split over `threads` threads.
    public func convertToDescentDirection(_ values: inout [Float], count: Double, totalCount: Double, global: [Float], threads: Int = 1) {
        precondition(values.count == global.count && regularizationScale.count == global.count, "lengths differ")
        let inverse = Float(1 / max(count, 1))
        let inverseTotal = Float(1 / max(totalCount, 1))
        values.withUnsafeMutableBufferPointer { sums in
            regularizationScale.withUnsafeBufferPointer { scale in
                global.withUnsafeBufferPointer { parameters in
                    // Raw buffers, no bounds checks: the loop vectorises and runs at memory speed.
                    ParallelLoop.run(count: parameters.count, threads: max(1, threads)) { _, range in
                        for index in range {
                            sums[index] = -(sums[index] * inverse + scale[index] * parameters[index] * inverseTotal)
                        }
                    }
                }
            }
        }
    }
}
