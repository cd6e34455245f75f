/// The running clipped sum of one release, on the mechanism's lattice; no noise until ``release(using:)``.
///
/// The sum is kept in whole lattice steps (Int64, wrapping), so it is exact: partial sums filled by
/// different threads and combined with ``merge(_:)`` give bit for bit the same total, whatever the
/// split and the merge order.
///
/// Holds member data in aggregate: keep it in memory only for the round, and release or drop it.
public struct GaussianSumAccumulator: Sendable {
    /// The mechanism the sum belongs to.
    public let mechanism: GaussianSumMechanism
    private var steps: [Int64]
    /// How many contributions were added.
    public private(set) var contributionCount = 0
    private let clipper: ContributionClipper

    /// Most contributions one release may sum (keeps the Int64 lattice sum far from overflow).
    public static let maximumContributions = 1 << 24

    init(mechanism: GaussianSumMechanism) {
        self.mechanism = mechanism
        self.steps = Array(repeating: 0, count: mechanism.shape.count)
        // roundingClipNorm is finite and > 0 by the mechanism's construction.
        self.clipper = try! ContributionClipper(clipNorm: mechanism.roundingClipNorm)
    }

    /// Adds one member's contribution: rejects a wrong length, NaN or ±Inf (before clipping), clips,
    /// rounds to the lattice and adds. On error the sum is unchanged.
    public mutating func add(_ contribution: UnsafeBufferPointer<Float>) throws {
        guard contribution.count == steps.count else {
            throw PrivacyError.shapeMismatch("member contribution", expected: steps.count, actual: contribution.count)
        }
        guard contributionCount < Self.maximumContributions else {
            throw PrivacyError.invalidParameter(
                "contribution count",
                contributionCount + 1,
                expected: "at most \(Self.maximumContributions)"
            )
        }
        let factor = try clipper.scale(for: contribution) / mechanism.noise.granularity
        steps.withUnsafeMutableBufferPointer { sum in
            LatticeRounding.addSteps(of: contribution, scaledBy: factor, into: sum)
        }
        contributionCount += 1
    }

    /// Adds one member's contribution (see ``add(_:)-(UnsafeBufferPointer<Float>)``).
    public mutating func add(_ contribution: [Float]) throws {
        try contribution.withUnsafeBufferPointer { try add($0) }
    }

    /// Adds the sum and count of `other`, an accumulator of the same mechanism (for example one a
    /// worker thread filled with its share of the members), into this one, and wipes `other`.
    /// - Throws: `shape` for an accumulator of another mechanism, `invalid_parameter` when the
    ///   merged count would exceed ``maximumContributions``; neither accumulator changes then.
    public mutating func merge(_ other: inout GaussianSumAccumulator) throws {
        guard other.mechanism == mechanism else {
            throw PrivacyError.shapeMismatch("merged accumulator", expected: steps.count, actual: other.steps.count)
        }
        guard contributionCount + other.contributionCount <= Self.maximumContributions else {
            throw PrivacyError.invalidParameter(
                "contribution count",
                contributionCount + other.contributionCount,
                expected: "at most \(Self.maximumContributions)"
            )
        }
        steps.withUnsafeMutableBufferPointer { sum in
            other.steps.withUnsafeMutableBufferPointer { part in
                for index in sum.indices {
                    sum[index] &+= part[index]
                    part[index] = 0
                }
            }
        }
        contributionCount += other.contributionCount
        other.contributionCount = 0
    }

    /// Noises the sum and the count with libsodium's CSPRNG (``SecureNoiseSource``), the production
    /// path; see ``release(using:)`` to inject a source.
    public mutating func release() -> NoisedRelease {
        var source = SecureNoiseSource()
        return release(using: &source)
    }

    /// Noises the sum and the count and returns the release; the accumulated sum is wiped.
    public mutating func release(using source: inout some NoiseRandomSource) -> NoisedRelease {
        let granularity = mechanism.noise.granularity
        var values = [Float](repeating: 0, count: steps.count)
        for index in steps.indices {
            let noised = steps[index] &+ mechanism.noise.sampleSteps(using: &source)
            values[index] = Float(Double(noised) * granularity)
            steps[index] = 0
        }
        let count: Double
        if let publicValue = mechanism.count.publicValue {
            count = publicValue
        } else if let countNoise = mechanism.countNoise {
            count = Double(contributionCount) + countNoise.sample(using: &source)
        } else {
            count = Double(contributionCount)  // Unreachable: CountRelease is validated.
        }
        contributionCount = 0
        return NoisedRelease(values: values, count: count, countIsNoised: mechanism.count.publicValue == nil)
    }
}
