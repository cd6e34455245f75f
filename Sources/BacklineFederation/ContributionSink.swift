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

    /// A sink of the same settings with nothing added (for a worker's partial sum).
    func makeEmpty() -> ContributionSink {
        var sink = self
        sink.accumulator = accumulator.map { $0.mechanism.makeAccumulator() }
        sink.plain = [Double](repeating: 0, count: plain.count)
        sink.plainCount = 0
        return sink
    }

    /// Adds one member's contribution; throws the accumulator's `nan`/`inf`/shape error (sum unchanged).
    mutating func add(_ contribution: [Float]) throws {
        if accumulator != nil {
            try accumulator!.add(contribution)
            return
        }
        guard contribution.count == plain.count else {
            throw FederationError.shapeMismatch("member contribution", "\(contribution.count) values, expected \(plain.count)")
        }
        try contribution.withUnsafeBufferPointer { values in
            // A finite Σx² proves every value finite (one vectorised pass); otherwise look closer.
            guard VectorNorm.sumOfSquares(values).isFinite || VectorNorm.firstNonFinite(values) == nil else {
                throw FederationError.invalidParameter("member contribution", "NaN or Inf", expected: "finite values")
            }
            plain.withUnsafeMutableBufferPointer { sum in
                for index in sum.indices { sum[index] += Double(values[index]) }
            }
        }
        plainCount += 1
    }

    /// Adds `other`'s sum and count (a sink of the same settings, e.g. one worker's share of the
    /// members) into this one and wipes `other`. The private lattice sum is exact, so any merge
    /// order gives the same bits; the plain Double sum depends on the order (merge in chunk order).
    /// - Throws: the accumulator's `shape` or count error; nothing changes then.
    mutating func merge(_ other: inout ContributionSink) throws {
        if accumulator != nil {
            guard other.accumulator != nil else {
                throw FederationError.shapeMismatch("merged contribution sum", "a plain sum merged into a private one")
            }
            try accumulator!.merge(&other.accumulator!)
            return
        }
        guard other.plain.count == plain.count else {
            throw FederationError.shapeMismatch("merged contribution sum", "\(other.plain.count) values, expected \(plain.count)")
        }
        for index in plain.indices {
            plain[index] += other.plain[index]
            other.plain[index] = 0
        }
        plainCount += other.plainCount
        other.plainCount = 0
    }

    /// The noised (or exact) sum and count; the running sum is wiped.
    mutating func release(using source: inout some NoiseRandomSource) -> (values: [Float], count: Double) {
        if accumulator != nil {
            let release = accumulator!.release(using: &source)
            return (release.values, release.count)
        }
        defer {
            plain = [Double](repeating: 0, count: plain.count)
            plainCount = 0
        }
        return (plain.map { Float($0) }, Double(plainCount))
    }
}
