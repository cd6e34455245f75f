/// L2 norms and finiteness checks of Float32 vectors, computed in Double.
public enum VectorNorm {
    /// The first non-finite value of `values`, as (index, isNaN), or nil if all are finite.
    public static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> (index: Int, isNaN: Bool)? {
        for index in values.indices where !values[index].isFinite {
            return (index, values[index].isNaN)
        }
        return nil
    }

    /// The L2 norm of `values` in Double; finite for any finite input (rescales by the largest
    /// magnitude if the plain sum of squares would overflow). NaN/Inf inputs give NaN/Inf.
    public static func l2(_ values: UnsafeBufferPointer<Float>) -> Double {
        let sum = sumOfSquares(values)
        if sum.isFinite { return sum.squareRoot() }
        // Only reachable for non-finite input or more than ~10^231 values; rescale regardless.
        var largest = 0.0
        for value in values { largest = max(largest, Double(value).magnitude) }
        guard largest.isFinite, largest > 0 else { return largest.isNaN ? .nan : largest }
        var scaled = 0.0
        for value in values {
            let x = Double(value) / largest
            scaled += x * x
        }
        return largest * scaled.squareRoot()
    }

    /// The L2 norm of `values` from one pass, when that pass shows every value is finite: then it
    /// is exactly ``l2(_:)-(UnsafeBufferPointer<Float>)``. Nil when some value is NaN or ±Inf (a
    /// NaN or infinite square makes the sum NaN or +Inf; finite Float32 squares cannot overflow a
    /// Double sum of fewer than ~10^231 values), so the caller's slower search is only paid then.
    public static func l2IfFinite(_ values: UnsafeBufferPointer<Float>) -> Double? {
        let sum = sumOfSquares(values)
        return sum.isFinite ? sum.squareRoot() : nil
    }

    /// Σ x² of `values` in Double, summed in four interleaved lanes (fixed order, so the result is
    /// deterministic). NaN if any value is NaN, +Inf if any is infinite or the sum overflows.
    public static func sumOfSquares(_ values: UnsafeBufferPointer<Float>) -> Double {
        guard let base = values.baseAddress else { return 0 }
        var lanes: (Double, Double, Double, Double) = (0, 0, 0, 0)
        let whole = values.count & ~3
        var index = 0
        while index < whole {
            let a = Double(base[index])
            let b = Double(base[index + 1])
            let c = Double(base[index + 2])
            let d = Double(base[index + 3])
            lanes.0 += a * a
            lanes.1 += b * b
            lanes.2 += c * c
            lanes.3 += d * d
            index += 4
        }
        while index < values.count {
            let x = Double(base[index])
            lanes.0 += x * x
            index += 1
        }
        return (lanes.0 + lanes.1) + (lanes.2 + lanes.3)
    }

    /// The L2 norm of `values` in Double (see ``l2(_:)-(UnsafeBufferPointer<Float>)``).
    public static func l2(_ values: [Float]) -> Double {
        values.withUnsafeBufferPointer { l2($0) }
    }
}
