internal import BacklineCore

/// Draws indices with probability proportional to fixed non-negative weights (cumulative sums
/// and binary search).
struct WeightedSampler: Sendable {
    private let cumulative: [Double]

    init(weights: [Double]) {
        var running = 0.0
        cumulative = weights.map { weight in
            running += max(0, weight)
            return running
        }
        precondition(running > 0, "a weighted sampler needs a positive weight")
    }

    func sample(_ generator: inout SeededGenerator) -> Int {
        let target = generator.nextUnitDouble() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
