#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Foundation
#endif

/// Rényi DP of one step of the Poisson-subsampled Gaussian mechanism.
///
/// For noise multiplier σ (noise std over L2 sensitivity) and sampling rate q, the RDP at order α
/// is `log(A_α)/(α − 1)` with `A_α = E_{z∼μ0}[(μ(z)/μ0(z))^α]`, μ0 = N(0, σ²), μ = (1−q)μ0 + qN(1, σ²)
/// (Mironov, Talwar, Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism").
/// - q = 1: the plain Gaussian mechanism, α/(2σ²) (Mironov 2017, Proposition 7).
/// - Whole α: the binomial expansion (MTZ19 §3.3), `A_α = Σ_k C(α,k) (1−q)^(α−k) q^k exp((k²−k)/(2σ²))`.
/// - Fractional α: the two convergent series of MTZ19 §3.3 split at
///   z0 = σ² log(1/q − 1) + 1/2, each term weighted by a Gaussian tail (erfc); summed in log space
///   with signed terms, stopping once both terms fall below e^−30 relative to 1 (as dp_accounting).
/// Everything is computed in log space, so large orders and small σ do not overflow.
public enum SubsampledGaussianRDP {
    /// RDP at `order` of one step with noise multiplier `noiseMultiplier` and sampling rate `samplingRate`.
    ///
    /// Returns `+inf` where the bound is unusable (σ = 0, or the series fails to converge), which the
    /// (ε, δ) conversion simply skips. Parameters are assumed validated by the caller
    /// (``MechanismParameters/validated()``).
    public static func rdp(order: Double, noiseMultiplier sigma: Double, samplingRate q: Double) -> Double {
        if q == 0 { return 0 }
        if sigma == 0 { return .infinity }
        if q == 1 { return order / (2 * sigma * sigma) }
        let logA: Double
        if order == order.rounded(), order < 1e6 {
            logA = logAWhole(order: Int(order), sigma: sigma, q: q)
        } else {
            logA = logAFractional(order: order, sigma: sigma, q: q)
        }
        let value = logA / (order - 1)
        return value.isNaN ? .infinity : max(0, value)
    }

    private static func logAWhole(order alpha: Int, sigma: Double, q: Double) -> Double {
        var logA = -Double.infinity
        let logQ = log(q)
        let log1mQ = log1p(-q)
        for k in 0...alpha {
            let term =
                LogSpace.binomial(alpha, k) + Double(k) * logQ + Double(alpha - k) * log1mQ
                + Double(k * k - k) / (2 * sigma * sigma)
            logA = LogSpace.add(logA, term)
        }
        return logA
    }

    private static func logAFractional(order alpha: Double, sigma: Double, q: Double) -> Double {
        var logA0 = -Double.infinity
        var logA1 = -Double.infinity
        let z0 = sigma * sigma * log(1 / q - 1) + 0.5
        let logQ = log(q)
        let log1mQ = log1p(-q)
        let log2 = log(2.0)
        let sqrt2Sigma = 2.0.squareRoot() * sigma
        // |C(α, i)| and its sign, updated term by term: C(α, i) = C(α, i−1) · (α − i + 1)/i.
        var logCoefficient = 0.0
        var coefficientPositive = true
        var i = 0
        while true {
            if i > 0 {
                let factor = alpha - Double(i) + 1
                if factor == 0 { break }  // Every later coefficient is zero.
                logCoefficient += log(abs(factor)) - log(Double(i))
                if factor < 0 { coefficientPositive.toggle() }
            }
            let j = alpha - Double(i)
            let di = Double(i)
            let logT0 = logCoefficient + di * logQ + j * log1mQ
            let logT1 = logCoefficient + j * logQ + di * log1mQ
            let logE0 = -log2 + LogSpace.erfc((di - z0) / sqrt2Sigma)
            let logE1 = -log2 + LogSpace.erfc((z0 - j) / sqrt2Sigma)
            let logS0 = logT0 + (di * di - di) / (2 * sigma * sigma) + logE0
            let logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1
            if coefficientPositive {
                logA0 = LogSpace.add(logA0, logS0)
                logA1 = LogSpace.add(logA1, logS1)
            } else {
                logA0 = LogSpace.subtract(logA0, logS0)
                logA1 = LogSpace.subtract(logA1, logS1)
            }
            i += 1
            if max(logS0, logS1) < -30 || i > 100_000 { break }
        }
        return LogSpace.add(logA0, logA1)
    }
}
