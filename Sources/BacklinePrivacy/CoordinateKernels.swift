/// The per-coordinate combining loops behind ``AggregationRule``: weighted mean, median, trimmed
/// mean, each over all inputs at one coordinate, run in parallel over coordinate ranges.
enum CoordinateKernels {
    /// Coordinates gathered at a time for the order-statistic rules (inputs × block fits in L2).
    static let block = 256

    /// output[j] = Σ_i coefficients[i] · inputs[i][j].
    static func weightedSum(_ inputs: [UnsafeBufferPointer<Float>], coefficients: [Double], into output: UnsafeMutableBufferPointer<Float>) {
        let sources = CoordinateParallel.SendablePointer(value: inputs)
        let destination = CoordinateParallel.SendablePointer(value: output)
        CoordinateParallel.forEachRange(count: output.count) { range in
            var accumulator = [Double](repeating: 0, count: range.count)
            accumulator.withUnsafeMutableBufferPointer { sum in
                for (input, coefficient) in zip(sources.value, coefficients) {
                    var k = 0
                    for j in range {
                        sum[k] += coefficient * Double(input[j])
                        k += 1
                    }
                }
                var k = 0
                for j in range {
                    destination.value[j] = Float(sum[k])
                    k += 1
                }
            }
        }
    }

    /// For each coordinate, gathers `scales[i] · inputs[i][j]` for all i and calls `reduce` with the
    /// gathered values (which it may reorder); its result is stored at output[j].
    static func orderStatistic(
        _ inputs: [UnsafeBufferPointer<Float>], scales: [Double], into output: UnsafeMutableBufferPointer<Float>,
        _ reduce: @Sendable (UnsafeMutableBufferPointer<Float>) -> Float
    ) {
        let n = inputs.count
        let sources = CoordinateParallel.SendablePointer(value: inputs)
        let destination = CoordinateParallel.SendablePointer(value: output)
        let floatScales = scales.map { Float($0) }
        CoordinateParallel.forEachRange(count: output.count, minimumRange: 4096) { range in
            var scratch = [Float](repeating: 0, count: n * block)
            scratch.withUnsafeMutableBufferPointer { gathered in
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(range.upperBound, start + block)
                    for (i, input) in sources.value.enumerated() {
                        let scale = floatScales[i]
                        for j in start..<end { gathered[(j - start) * n + i] = input[j] * scale }
                    }
                    for j in start..<end {
                        let column = UnsafeMutableBufferPointer(rebasing: gathered[(j - start) * n..<(j - start + 1) * n])
                        destination.value[j] = reduce(column)
                    }
                    start = end
                }
            }
        }
    }

    /// The median of `values` (mean of the two middle values for an even count); reorders them.
    static func median(_ values: UnsafeMutableBufferPointer<Float>) -> Float {
        let n = values.count
        let upper = n / 2
        select(values, upper)
        if n % 2 == 1 { return values[upper] }
        var lower = values[0]
        for index in 1..<upper { lower = max(lower, values[index]) }
        return Float((Double(lower) + Double(values[upper])) / 2)
    }

    /// The mean of `values` without their `trim` smallest and `trim` largest; reorders them.
    static func trimmedMean(_ values: UnsafeMutableBufferPointer<Float>, trim: Int) -> Float {
        let n = values.count
        let kept = n - 2 * trim
        if trim > 0 {
            select(values, trim)  // values[..<trim] are the trim smallest.
            let rest = UnsafeMutableBufferPointer(rebasing: values[trim...])
            select(rest, kept - 1)  // rest[..<kept] are the kept middle values.
        }
        var sum = 0.0
        for index in trim..<(trim + kept) { sum += Double(values[index]) }
        return Float(sum / Double(kept))
    }

    /// Quickselect (Hoare partition, median-of-three pivot): afterwards values[k] is the k-th
    /// smallest, everything before it is ≤ and everything after it ≥. Values must not be NaN.
    static func select(_ values: UnsafeMutableBufferPointer<Float>, _ k: Int) {
        var low = 0, high = values.count - 1
        while high > low {
            let middle = low + (high - low) / 2
            if values[middle] < values[low] { values.swapAt(middle, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[middle] { values.swapAt(high, middle) }
            let pivot = values[middle]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return
            }
        }
    }
}
