internal import BacklinePrivacy

/// Where a node's per-member gradients go: the exact clipped, lattice-noised
/// ``GaussianSumAccumulator`` when private; a plain Double sum (no clipping, no noise) in the
/// non-private comparison mode. Both refuse NaN/Inf contributions.
struct ContributionSink {
    private var accumulator: GaussianSumAccumulator?
    private var plain: [Double]
    private var plainCount = 0

    init(privacy: PrivacySettings?, parameterCount: Int) throws {
        accumulator = try privacy.map { try $0.mechanism(parameterCount: parameterCount).makeAccumulator() }
        plain = accumulator == nil ? [Double](repeating: 0, count: parameterCount) : []
    }

    /// Adds one member's contribution; throws the accumulator's `nan`/`inf`/shape error (sum unchanged).
    mutating func add(_ contribution: [Float]) throws {
        if accumulator != nil {
            try accumulator!.add(contribution)
            return
        }
        guard contribution.allSatisfy(\.isFinite) else {
            throw FederationError.invalidParameter("member contribution", "NaN or Inf", expected: "finite values")
        }
        for index in contribution.indices { plain[index] += Double(contribution[index]) }
        plainCount += 1
    }

    /// The noised (or exact) sum and count; the running sum is wiped.
    mutating func release(using source: inout some NoiseRandomSource) -> (values: [Float], count: Double) {
        if accumulator != nil {
            let release = accumulator!.release(using: &source)
            return (release.values, release.count)
        }
        defer { plain = [Double](repeating: 0, count: plain.count); plainCount = 0 }
        return (plain.map { Float($0) }, Double(plainCount))
    }
}
