internal import Foundation

/// Platt scaling: a purchase probability `σ(slope·score + intercept)` fitted by Newton's method on
/// labelled scores, with Platt's smoothed targets so that separable data stays finite.
public struct PlattCalibration: Sendable, Equatable, Codable {
    /// Multiplier of the score.
    public let slope: Double
    /// Offset.
    public let intercept: Double

    /// A calibration with given parameters.
    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }

    /// The probability for `score`.
    public func probability(_ score: Float) -> Double {
        let z = slope * Double(score) + intercept
        return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// Fits on `scores` with `labels` (true = bought).
    /// - Throws: `invalidArgument` without both a positive and a negative, `invalidShape` on a
    ///   count mismatch, `nonFinite` on a NaN score.
    public static func fit(scores: [Float], labels: [Bool]) throws -> PlattCalibration {
        guard scores.count == labels.count else { throw ModelError.invalidShape("\(scores.count) scores but \(labels.count) labels") }
        guard scores.allSatisfy(\.isFinite) else { throw ModelError.nonFinite("calibration score") }
        let positives = Double(labels.filter { $0 }.count)
        let negatives = Double(labels.count) - positives
        guard positives > 0, negatives > 0 else {
            throw ModelError.invalidArgument("calibration needs both buyers and non-buyers, got \(Int(positives)) and \(Int(negatives))")
        }
        let high = (positives + 1) / (positives + 2)
        let low = 1 / (negatives + 2)
        var a = 0.0
        var b = log((positives + 1) / (negatives + 1))
        for _ in 0..<100 {
            var g0 = 0.0
            var g1 = 0.0
            var h00 = 1e-12
            var h01 = 0.0
            var h11 = 1e-12
            for (score, label) in zip(scores, labels) {
                let s = Double(score)
                let p = PlattCalibration(slope: a, intercept: b).probability(score)
                let t = label ? high : low
                let w = max(p * (1 - p), 1e-12)
                g0 += (p - t) * s
                g1 += p - t
                h00 += w * s * s
                h01 += w * s
                h11 += w
            }
            let determinant = h00 * h11 - h01 * h01
            guard determinant > 0 else { break }
            let da = (h11 * g0 - h01 * g1) / determinant
            let db = (h00 * g1 - h01 * g0) / determinant
            a -= da
            b -= db
            if abs(da) < 1e-10 && abs(db) < 1e-10 { break }
        }
        return PlattCalibration(slope: a, intercept: b)
    }
}
