#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Foundation
#endif

/// Numerically careful arithmetic on logarithms, for the RDP accountant.
///
/// Every quantity the accountant sums can overflow a Double long before the result does
/// (binomial coefficients at order 1024, `exp((k² − k)/(2σ²))` at small σ), so sums are kept as
/// logarithms and combined with the usual max-shift.
enum LogSpace {
    /// log(exp(a) + exp(b)), exact for `-inf` operands.
    static func add(_ a: Double, _ b: Double) -> Double {
        let high = max(a, b)
        let low = min(a, b)
        if low == -.infinity { return high }
        return high + log1p(exp(low - high))
    }

    /// log(exp(a) − exp(b)) for a ≥ b; `-inf` when they are equal; NaN when b > a.
    static func subtract(_ a: Double, _ b: Double) -> Double {
        if b == -.infinity { return a }
        if a < b { return .nan }
        if a == b { return -.infinity }
        // log(e^a − e^b) = a + log(1 − e^(b−a)); expm1 keeps precision when b is close to a.
        let difference = b - a
        return a + (difference > -0.693 ? log(-expm1(difference)) : log1p(-exp(difference)))
    }

    /// log(erfc(x)), finite far into the tail where erfc itself underflows.
    static func erfc(_ x: Double) -> Double {
        if x < 25 { return log(cErfc(x)) }
        // Asymptotic series: erfc(x) = exp(−x²)/(x√π) · (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸)).
        let inverseSquare = 1 / (x * x)
        let series =
            1 - inverseSquare / 2 + 3 * inverseSquare * inverseSquare / 4
            - 15 * inverseSquare * inverseSquare * inverseSquare / 8
            + 105 * inverseSquare * inverseSquare * inverseSquare * inverseSquare / 16
        return -x * x - log(x) - 0.5 * log(Double.pi) + log(series)
    }

    /// log of the binomial coefficient C(n, k) for whole numbers 0 ≤ k ≤ n.
    static func binomial(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }
}

@inline(__always) private func cErfc(_ x: Double) -> Double { erfc(x) }
