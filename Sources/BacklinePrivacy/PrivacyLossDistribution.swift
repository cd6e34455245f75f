#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Foundation
#endif

/// A pessimistically discretised privacy-loss distribution (Koskela, Jälkö, Honkela 2020;
/// Meiser & Mohammadi 2018): masses on the grid h·ℤ, each loss rounded *up* to the grid, plus a
/// mass at +∞. Composition is convolution (FFT); every truncation moves mass to a larger loss or
/// to +∞, so δ(ε) computed from it is never below the true one.
struct PrivacyLossDistribution {
    /// The grid step h.
    let interval: Double
    /// Grid index of `masses[0]`: its loss is `lowestIndex · interval`.
    var lowestIndex: Int
    /// Masses at consecutive grid points.
    var masses: [Double]
    /// Mass at +∞ (outputs that give the loss away entirely, or truncated upper tails).
    var infinityMass: Double

    /// Tail mass given up at each truncation (moved to +∞ or to the lowest kept point).
    static let tailMass = 1e-15

    /// The privacy-loss distribution of one run of the Poisson-subsampled Gaussian with noise
    /// multiplier σ and rate q, for one neighbouring direction: removing a member
    /// (P = (1−q)N(0,σ²) + qN(1,σ²) against Q = N(0,σ²)) or adding one (P and Q swapped).
    static func subsampledGaussian(sigma: Double, samplingRate q: Double, removal: Bool, interval h: Double) -> Self {
        let s2 = sigma * sigma
        // The loss as a function of the output x, and its inverse (x where the loss equals l).
        func loss(_ x: Double) -> Double {
            let t = (2 * x - 1) / (2 * s2)
            let value = q == 1 ? t : (t > 0 ? t + log(q + (1 - q) * exp(-t)) : log1p(q * expm1(t)))
            return removal ? value : -value
        }
        func inverse(_ l: Double) -> Double {
            let e = removal ? l : -l
            let inner = q == 1 ? e : log((expm1(e) + q) / q)
            return inner.isNaN ? -.infinity : s2 * inner + 0.5
        }
        // P's mass on [a, b), from the survival or the distribution function, whichever is precise.
        func mass(_ a: Double, _ b: Double) -> Double {
            func component(_ mean: Double) -> Double {
                let u = (a - mean) / sigma
                let v = (b - mean) / sigma
                if u > 0 { return 0.5 * (erfc(u / 2.0.squareRoot()) - erfc(v / 2.0.squareRoot())) }
                return 0.5 * (erfc(-v / 2.0.squareRoot()) - erfc(-u / 2.0.squareRoot()))
            }
            return removal ? (1 - q) * component(0) + q * component(1) : component(0)
        }
        let reach = 9 * sigma  // Beyond ±9σ of the means: mass below 1e-19 per side.
        let low = -reach
        let high = 1 + reach
        let lossLow = min(loss(low), loss(high))
        let lossHigh = max(loss(low), loss(high))
        let first = Int((lossLow / h).rounded(.up))
        let last = Int((lossHigh / h).rounded(.up))
        var masses = [Double](repeating: 0, count: last - first + 1)
        for k in first...last {
            // Outputs whose loss lies in ((k−1)h, kh], clipped to [low, high].
            let x1 = min(max(inverse(Double(k - 1) * h), low), high)
            let x2 = min(max(inverse(Double(k) * h), low), high)
            masses[k - first] = mass(min(x1, x2), max(x1, x2))
        }
        // Below `low` (or above `high` when adding): the smallest losses, put on the first point.
        masses[0] += removal ? mass(-.infinity, low) : mass(high, .infinity)
        // The other tail: losses above the grid, counted at +∞.
        let infinity = removal ? mass(high, .infinity) : mass(-.infinity, low)
        var distribution = Self(interval: h, lowestIndex: first, masses: masses, infinityMass: infinity)
        distribution.truncate()
        return distribution
    }

    /// Drops leading zeros, moves a lower tail of mass ≤ ``tailMass`` up to the first kept point and
    /// an upper tail of mass ≤ ``tailMass`` to +∞.
    mutating func truncate() {
        var start = 0
        var lowerTail = 0.0
        while start < masses.count - 1 && lowerTail + masses[start] <= Self.tailMass {
            lowerTail += masses[start]
            start += 1
        }
        var end = masses.count - 1
        var upperTail = 0.0
        while end > start && upperTail + masses[end] <= Self.tailMass {
            upperTail += masses[end]
            end -= 1
        }
        var kept = Array(masses[start...end])
        kept[0] += lowerTail
        masses = kept
        lowestIndex += start
        infinityMass = min(1, infinityMass + upperTail)
    }

    /// The standard deviation of the finite part of the loss.
    var standardDeviation: Double {
        let total = masses.reduce(0, +)
        guard total > 0 else { return 0 }
        var mean = 0.0
        for (offset, mass) in masses.enumerated() { mean += Double(offset) * mass }
        mean /= total
        var variance = 0.0
        for (offset, mass) in masses.enumerated() {
            variance += (Double(offset) - mean) * (Double(offset) - mean) * mass
        }
        return (variance / total).squareRoot() * interval
    }

    /// The distribution of the summed losses of two independent runs.
    func composed(with other: Self) -> Self {
        var result = Self(
            interval: interval,
            lowestIndex: lowestIndex + other.lowestIndex,
            masses: FourierTransform.convolve(masses, other.masses),
            infinityMass: 1 - (1 - infinityMass) * (1 - other.infinityMass)
        )
        result.truncate()
        return result
    }

    /// `count` independent runs, by repeated squaring.
    func composed(times count: Int) -> Self {
        var result: Self?
        var power = self
        var remaining = count
        while remaining > 0 {
            if remaining & 1 == 1 { result = result.map { $0.composed(with: power) } ?? power }
            remaining >>= 1
            if remaining > 0 { power = power.composed(with: power) }
        }
        return result ?? self
    }

    /// The smallest δ for which the losses give (ε, δ)-DP: P(∞) + Σ_{l > ε} p(l)(1 − e^(ε − l)).
    func delta(epsilon: Double) -> Double {
        var delta = infinityMass
        for (offset, mass) in masses.enumerated() {
            let l = Double(lowestIndex + offset) * interval
            if l > epsilon { delta += mass * -expm1(epsilon - l) }
        }
        return delta
    }

    /// The smallest ε ≥ 0 (to 1e-9 relative, rounded up) with δ(ε) ≤ `delta`; +∞ if none.
    func epsilon(delta: Double) -> Double {
        if infinityMass > delta { return .infinity }
        var low = 0.0
        var high = max(0, Double(lowestIndex + masses.count) * interval)
        if self.delta(epsilon: low) <= delta { return 0 }
        while high - low > 1e-9 * max(1, high) {
            let middle = (low + high) / 2
            if self.delta(epsilon: middle) <= delta { high = middle } else { low = middle }
        }
        return high
    }
}
