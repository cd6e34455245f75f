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
        var sum = 0.0
        for value in values {
            let x = Double(value)
            sum += x * x
        }
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

    /// The L2 norm of `values` in Double (see ``l2(_:)-(UnsafeBufferPointer<Float>)``).
    public static func l2(_ values: [Float]) -> Double {
        values.withUnsafeBufferPointer { l2($0) }
    }
}
