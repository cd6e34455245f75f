/// An exact sampler for the discrete Gaussian N_ℤ(0, σ²) on the integers, with σ² a whole number
/// (Canonne, Kamath, Steinke 2020, "The Discrete Gaussian for Differential Privacy", Algorithms 1–3).
///
/// Why it is exact: every random decision is a Bernoulli(n/d) with whole n and d, decided by
/// comparing fresh random bits with the binary expansion of n/d (first difference decides), and
/// U ∼ Uniform{0…t−1} uses Lemire's unbiased multiply-and-reject method. On top of that:
/// - Bernoulli(exp(−n/d)) for n/d ≤ 1 draws A_k ∼ Bernoulli(n/(dk)) for k = 1, 2, … until the first
///   failure and returns whether that k is odd (von Neumann's series for e^−x); for n/d > 1 it
///   multiplies ⌊n/d⌋ Bernoulli(e^−1) draws with one Bernoulli(exp(−frac)).
/// - The discrete Laplace with scale t combines U ∼ Uniform{0…t−1} accepted with probability
///   e^(−U/t) and a geometric V, returning ±(U + tV), with the duplicate zero rejected.
/// - The discrete Gaussian draws Y from the discrete Laplace with t = ⌊σ⌋ + 1 and accepts it with
///   probability exp(−(|Y| − σ²/t)² / (2σ²)), written as the fraction (|Y|t − σ²)² / (2σ²t²).
/// Arithmetic is in `UInt128`, with σ² ≤ 2^52 and candidates |Y| ≤ 2^36 so nothing overflows. The
/// single departure from exactness: a Laplace candidate with |Y| > 2^36 (more than 1023·t, with
/// probability below e^−1023) is rejected and redrawn.
public struct DiscreteGaussianSampler: Sendable, Hashable {
    /// Largest supported variance σ², 2^52 (σ up to 2^26).
    public static let maximumVariance: UInt64 = 1 << 52
    private static let candidateLimit: UInt64 = 1 << 36

    /// The variance σ² of the distribution, a whole number ≥ 1.
    public let variance: UInt64
    private let scale: UInt64  // t = ⌊σ⌋ + 1

    /// A sampler for N_ℤ(0, `variance`).
    /// - Throws: `invalid_parameter` unless 1 ≤ variance ≤ ``maximumVariance``.
    public init(variance: UInt64) throws {
        guard variance >= 1, variance <= Self.maximumVariance else {
            throw PrivacyError.invalidParameter(
                "discrete Gaussian variance",
                variance,
                expected: "1...\(Self.maximumVariance)"
            )
        }
        self.variance = variance
        self.scale = Self.integerSquareRoot(variance) + 1
    }

    /// One draw from N_ℤ(0, σ²).
    public func sample(using source: inout some NoiseRandomSource) -> Int64 {
        var bits = RandomBits()
        let t = UInt128(scale)
        let s = UInt128(variance)
        let denominator = 2 * s * t * t
        while true {
            let candidate = discreteLaplace(using: &source, &bits)
            let magnitude = candidate.magnitude
            if magnitude > Self.candidateLimit { continue }
            let product = UInt128(magnitude) * t
            let difference = product > s ? product - s : s - product
            if Self.bernoulliExp(numerator: difference * difference, denominator: denominator, using: &source, &bits) {
                return candidate
            }
        }
    }

    /// A draw from the discrete Laplace distribution with scale t: P(x) ∝ e^(−|x|/t).
    private func discreteLaplace(using source: inout some NoiseRandomSource, _ bits: inout RandomBits) -> Int64 {
        while true {
            let u = Self.uniform(below: scale, using: &source)
            guard Self.bernoulliExp(numerator: UInt128(u), denominator: UInt128(scale), using: &source, &bits) else {
                continue
            }
            var v: UInt64 = 0
            while Self.bernoulliExp(numerator: 1, denominator: 1, using: &source, &bits) {
                v += 1
                if v > Self.candidateLimit { break }  // Probability e^−(2^36): only to bound the loop.
            }
            let magnitude = u &+ scale &* v
            let negative = bits.next(&source)
            if negative && magnitude == 0 { continue }
            if magnitude > Self.candidateLimit { return Int64(Self.candidateLimit + 1) }  // Rejected by the caller.
            return negative ? -Int64(magnitude) : Int64(magnitude)
        }
    }

    /// A uniform integer in [0, bound), bound > 0, without bias (Lemire 2019, "Fast random integer
    /// generation in an interval": multiply-shift with rejection of the short low range).
    @inline(__always)
    static func uniform(below bound: UInt64, using source: inout some NoiseRandomSource) -> UInt64 {
        var product = source.next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = source.next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }

    /// Bernoulli(n/d) for 0 ≤ n ≤ d, 0 < d < 2^126.
    ///
    /// The binary expansion of p = n/d is produced digit by digit by long division and compared
    /// with fresh random bits (the expansion of a uniform real U) until they differ, two bits on
    /// average; the first difference decides U < p, which has probability exactly p.
    @inline(__always)
    static func bernoulli(
        numerator: UInt128,
        denominator: UInt128,
        using source: inout some NoiseRandomSource,
        _ bits: inout RandomBits
    ) -> Bool {
        if numerator >= denominator { return true }
        if numerator == 0 { return false }
        var remainder = numerator
        while true {
            remainder <<= 1  // remainder < d < 2^126, so no overflow.
            let digit = remainder >= denominator
            if digit { remainder -= denominator }
            if bits.next(&source) != digit { return digit }  // U's bit 0 where p's is 1: U < p, and conversely.
            if remainder == 0 { return false }  // p's expansion ended: U ≥ p from here on.
        }
    }

    /// Bernoulli(exp(−n/d)) for n ≥ 0, d > 0.
    static func bernoulliExp(
        numerator: UInt128,
        denominator: UInt128,
        using source: inout some NoiseRandomSource,
        _ bits: inout RandomBits
    ) -> Bool {
        var remaining = numerator
        while remaining > denominator {
            // exp(−n/d) = exp(−1)^⌊n/d⌋ · exp(−(n mod d)/d), one factor at a time.
            guard bernoulliExpAtMostOne(numerator: 1, denominator: 1, using: &source, &bits) else { return false }
            remaining -= denominator
        }
        return bernoulliExpAtMostOne(numerator: remaining, denominator: denominator, using: &source, &bits)
    }

    /// Bernoulli(exp(−n/d)) for 0 ≤ n ≤ d: the count of successes before the first failure of
    /// Bernoulli(n/(dk)), k = 1, 2, …, is even with probability e^(−n/d).
    private static func bernoulliExpAtMostOne(
        numerator: UInt128,
        denominator: UInt128,
        using source: inout some NoiseRandomSource,
        _ bits: inout RandomBits
    ) -> Bool {
        var k: UInt128 = 1
        while bernoulli(numerator: numerator, denominator: denominator * k, using: &source, &bits) { k += 1 }
        return k % 2 == 1
    }

    /// ⌊√n⌋ exactly.
    static func integerSquareRoot(_ n: UInt64) -> UInt64 {
        var root = UInt64(Double(n).squareRoot())
        while root > 0 && root.multipliedFullWidth(by: root).high > 0 || root * root > n { root -= 1 }
        while (root + 1).multipliedFullWidth(by: root + 1).high == 0 && (root + 1) * (root + 1) <= n { root += 1 }
        return root
    }
}

/// Single random bits taken from 64-bit words of a ``NoiseRandomSource``, so that a Bernoulli
/// decision (two bits on average) does not consume a whole word.
struct RandomBits {
    private var word: UInt64 = 0
    private var remaining = 0

    @inline(__always)
    mutating func next(_ source: inout some NoiseRandomSource) -> Bool {
        if remaining == 0 {
            word = source.next()
            remaining = 64
        }
        let bit = word & 1 == 1
        word >>= 1
        remaining -= 1
        return bit
    }
}
