/// Clips one member's contribution to L2 norm at most C, after refusing NaN and ±Inf.
///
/// The usual `x · min(1, C/‖x‖)` lets NaN through and turns an infinite norm into NaN (∞/∞), so
/// finiteness is checked before any factor is returned (a finite Σx² proves every value finite;
/// otherwise the first bad coordinate is named); the norm is taken in Double (see ``VectorNorm``), so a norm of 1e30
/// or more clips correctly to C (up to Float32 rounding, well inside C·(1 + 1e-6)).
public struct ContributionClipper: Sendable, Hashable {
    /// The clipping norm C.
    public let clipNorm: Double

    /// A clipper to norm `clipNorm`.
    /// - Throws: `invalid_parameter` unless C is finite and > 0.
    public init(clipNorm: Double) throws {
        guard clipNorm.isFinite, clipNorm > 0 else {
            throw PrivacyError.invalidParameter("clipping norm C", clipNorm, expected: "a finite number > 0")
        }
        self.clipNorm = clipNorm
    }

    /// The factor min(1, C/‖x‖) that clips `values`.
    /// - Throws: `nan` or `inf` naming the first bad coordinate, before anything is computed from it.
    public func scale(for values: UnsafeBufferPointer<Float>) throws -> Double {
        // One pass in the common case: a finite Σx² proves every value finite. Otherwise find the
        // culprit (or, for finite values whose squares overflow, take the rescaled norm).
        let squares = VectorNorm.sumOfSquares(values)
        let norm: Double
        if squares.isFinite {
            norm = squares.squareRoot()
        } else {
            if let bad = VectorNorm.firstNonFinite(values) {
                throw bad.isNaN
                    ? PrivacyError.notANumber("member contribution", index: bad.index)
                    : PrivacyError.infinite("member contribution", index: bad.index)
            }
            norm = VectorNorm.l2(values)
        }
        return norm > clipNorm ? clipNorm / norm : 1
    }

    /// `values` clipped to norm C.
    /// - Throws: `nan` or `inf` if a coordinate is not finite.
    public func clipped(_ values: [Float]) throws -> [Float] {
        try values.withUnsafeBufferPointer { buffer in
            let factor = try scale(for: buffer)
            return buffer.map { Float(Double($0) * factor) }
        }
    }
}
