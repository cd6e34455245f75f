/// The per-coordinate combining loops behind ``AggregationRule``: weighted mean, median, trimmed
/// mean, each over all inputs at one coordinate, run in parallel over coordinate ranges.
enum CoordinateKernels {
    /// Coordinates gathered at a time for the order-statistic rules (inputs × block fits in L2).
    static let block = 256

    /// output[j] = Σ_i coefficients[i] · inputs[i][j].
    static func weightedSum(
        _ inputs: [UnsafeBufferPointer<Float>],
        coefficients: [Double],
        into output: UnsafeMutableBufferPointer<Float>
    ) {
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

    /// Coordinates per SIMD block of the sorting network.
    static let lanes = 16
    /// Largest input count sorted by the network; above it, per-coordinate quickselect.
    static let networkLimit = 1024

    /// For each coordinate, sorts `scales[i] · inputs[i][j]` over i and calls `reduce` with the
    /// sorted values as rows of 16 lanes (row r, lane c = r-th smallest at coordinate j0 + c); it
    /// returns the 16 results. Rows n…P−1 are +inf padding, P the next power of two.
    ///
    /// The sort is a bitonic network over `SIMD16<Float>` rows: branch-free and data-independent,
    /// 16 coordinates at a time, which beats per-coordinate quickselect (whose data-dependent
    /// branches mispredict) several times over at n ≈ 100.
    static func sortedColumns(
        _ inputs: [UnsafeBufferPointer<Float>],
        scales: [Double],
        into output: UnsafeMutableBufferPointer<Float>,
        _ reduce: @Sendable (UnsafeMutableBufferPointer<SIMD16<Float>>) -> SIMD16<Float>
    ) {
        let n = inputs.count
        var padded = 1
        while padded < n { padded *= 2 }
        let rows = padded
        let sources = CoordinateParallel.SendablePointer(value: inputs)
        let destination = CoordinateParallel.SendablePointer(value: output)
        let floatScales = scales.map { Float($0) }
        CoordinateParallel.forEachRange(count: output.count, minimumRange: 4096) { range in
            var scratch = [SIMD16<Float>](repeating: SIMD16(repeating: .infinity), count: rows)
            scratch.withUnsafeMutableBufferPointer { block in
                var start = range.lowerBound
                while start < range.upperBound {
                    let width = min(lanes, range.upperBound - start)
                    for (i, input) in sources.value.enumerated() {
                        var row = SIMD16<Float>(repeating: 0)
                        if width == lanes {
                            row = SIMD16<Float>(
                                UnsafeRawPointer(input.baseAddress! + start).loadUnaligned(as: SIMD16<Float>.self)
                            )
                        } else {
                            for c in 0..<width { row[c] = input[start + c] }
                        }
                        block[i] = row * floatScales[i]
                    }
                    for i in n..<rows { block[i] = SIMD16(repeating: .infinity) }
                    bitonicSort(block)
                    let result = reduce(block)
                    for c in 0..<width { destination.value[start + c] = result[c] }
                    start += width
                }
            }
        }
    }

    /// Sorts each lane of `rows` ascending (count a power of two) with a bitonic network.
    static func bitonicSort(_ rows: UnsafeMutableBufferPointer<SIMD16<Float>>) {
        let count = rows.count
        var size = 2
        while size <= count {
            var stride = size / 2
            while stride > 0 {
                for i in 0..<count {
                    let partner = i ^ stride
                    guard partner > i else { continue }
                    let a = rows[i]
                    let b = rows[partner]
                    let swap = b .< a
                    let low = a.replacing(with: b, where: swap)
                    let high = b.replacing(with: a, where: swap)
                    if i & size == 0 {
                        rows[i] = low
                        rows[partner] = high
                    } else {
                        rows[i] = high
                        rows[partner] = low
                    }
                }
                stride /= 2
            }
            size *= 2
        }
    }

    /// Per-lane median of the first `n` sorted rows.
    static func medianRow(_ rows: UnsafeMutableBufferPointer<SIMD16<Float>>, n: Int) -> SIMD16<Float> {
        if n % 2 == 1 { return rows[n / 2] }
        return SIMD16<Float>((SIMD16<Double>(rows[n / 2 - 1]) + SIMD16<Double>(rows[n / 2])) / 2)
    }

    /// Per-lane mean of sorted rows `trim..<n − trim`.
    static func trimmedMeanRow(_ rows: UnsafeMutableBufferPointer<SIMD16<Float>>, n: Int, trim: Int) -> SIMD16<Float> {
        var sum = SIMD16<Double>(repeating: 0)
        for r in trim..<(n - trim) { sum += SIMD16<Double>(rows[r]) }
        return SIMD16<Float>(sum / Double(n - 2 * trim))
    }

    /// For each coordinate, gathers `scales[i] · inputs[i][j]` for all i and calls `reduce` with the
    /// gathered values (which it may reorder); its result is stored at output[j]. Used above
    /// ``networkLimit`` inputs.
    static func orderStatistic(
        _ inputs: [UnsafeBufferPointer<Float>],
        scales: [Double],
        into output: UnsafeMutableBufferPointer<Float>,
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
                        let column = UnsafeMutableBufferPointer(
                            rebasing: gathered[(j - start) * n..<(j - start + 1) * n]
                        )
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
        var low = 0
        var high = values.count - 1
        while high > low {
            let middle = low + (high - low) / 2
            if values[middle] < values[low] { values.swapAt(middle, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[middle] { values.swapAt(high, middle) }
            let pivot = values[middle]
            var i = low
            var j = high
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
