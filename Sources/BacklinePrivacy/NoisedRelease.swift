/// What leaves a node for one round: the noised sum of clipped contributions and the count.
public struct NoisedRelease: Hashable, Sendable {
    /// The noised sum, one value per coordinate of the mechanism's shape.
    public let values: [Float]
    /// The public count, or the true count plus noise (may be fractional or negative).
    public let count: Double
    /// Whether ``count`` carries noise (false: it is the public value given to the mechanism).
    public let countIsNoised: Bool

    /// A release of `values` with `count`.
    public init(values: [Float], count: Double, countIsNoised: Bool) {
        self.values = values
        self.count = count
        self.countIsNoised = countIsNoised
    }

    /// The noised mean: the sum divided by max(count, `minimumCount`), so a small or negative noised
    /// count cannot blow the update up.
    public func mean(minimumCount: Double = 1) -> [Float] {
        let denominator = max(count, minimumCount, .leastNormalMagnitude)
        return values.map { Float(Double($0) / denominator) }
    }
}
