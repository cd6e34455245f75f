#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Foundation
#endif

/// A Rényi-DP accountant: composes Poisson-subsampled Gaussian releases by adding their RDP at
/// each order of a fixed grid, and converts the total to (ε, δ).
///
/// Conversion (Balle et al. 2020, Thm 21; Canonne, Kamath, Steinke 2020, Prop. 12):
/// `ε = rdp(α) + log((α−1)/α) − (log δ + log α)/(α − 1)`, minimised over the grid. As in Google's
/// `dp_accounting`: an order whose RDP already gives δ ≥ √(1 − e^−rdp) yields ε = 0, and orders
/// α ≤ 1.01 are skipped (the bound is unstable there).
public struct RDPAccountant: Hashable, Sendable {
    /// dp_accounting's default grid: 1.1–10.9 by 0.1, 11–63, 128, 256, 512, 1024.
    public static let defaultOrders: [Double] =
        (11...109).map { Double($0) / 10 } + (11...63).map(Double.init) + [128, 256, 512, 1024]

    /// The Rényi orders α > 1 at which RDP is tracked.
    public let orders: [Double]
    /// Total RDP at each order of ``orders``.
    public private(set) var rdp: [Double]

    /// An accountant with nothing spent, tracking `orders` (each must be finite and > 1).
    public init(orders: [Double] = RDPAccountant.defaultOrders) {
        precondition(
            !orders.isEmpty && orders.allSatisfy { $0.isFinite && $0 > 1 },
            "RDP orders must be finite and > 1"
        )
        self.orders = orders
        self.rdp = Array(repeating: 0, count: orders.count)
    }

    /// Adds `parameters.steps` runs of the subsampled Gaussian with these parameters.
    /// - Throws: ``PrivacyError`` `invalid_parameter` if a parameter is out of range.
    public mutating func compose(_ parameters: MechanismParameters) throws {
        let checked = try parameters.validated()
        for index in orders.indices {
            let perStep = SubsampledGaussianRDP.rdp(
                order: orders[index],
                noiseMultiplier: checked.noiseMultiplier,
                samplingRate: checked.samplingRate
            )
            rdp[index] += Double(checked.steps) * perStep
        }
    }

    /// This accountant with `parameters` composed in; `self` is unchanged.
    public func composing(_ parameters: MechanismParameters) throws -> Self {
        var copy = self
        try copy.compose(parameters)
        return copy
    }

    /// The smallest ε over the order grid such that everything composed so far is (ε, `delta`)-DP.
    /// - Throws: ``PrivacyError`` `invalid_parameter` unless 0 < δ < 1.
    public func loss(delta: Double) throws -> PrivacyLoss {
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw PrivacyError.invalidParameter("δ", delta, expected: "a number in (0, 1)")
        }
        var best = Double.infinity
        var bestOrder: Double?
        for (alpha, value) in zip(orders, rdp) {
            let epsilon: Double
            if value.isNaN || value == .infinity || alpha <= 1.01 {
                continue
            } else if delta * delta + expm1(-value) > 0 {
                epsilon = 0  // δ ≥ √(1 − e^−rdp): already (0, δ)-DP by the KL bound.
            } else {
                epsilon = value + log1p(-1 / alpha) - log(delta * alpha) / (alpha - 1)
            }
            if epsilon < best {
                best = epsilon
                bestOrder = alpha
            }
        }
        if rdp.allSatisfy({ $0 == 0 }) { return PrivacyLoss(epsilon: 0, delta: delta, order: nil) }
        return PrivacyLoss(epsilon: max(0, best), delta: delta, order: bestOrder)
    }

    /// ε of `parameters` alone at `delta`, with the default order grid.
    public static func loss(of parameters: MechanismParameters, delta: Double) throws -> PrivacyLoss {
        try RDPAccountant().composing(parameters).loss(delta: delta)
    }

    /// The smallest noise multiplier σ (to a relative precision of 1e-6) for which `steps` runs at
    /// sampling rate `samplingRate` stay within (`targetEpsilon`, `delta`), found by bisection on log σ.
    ///
    /// The returned σ always satisfies the target (the bisection keeps the upper end).
    /// - Throws: `invalid_parameter` for bad inputs; `unreachable_target` if even σ = `maximum` is not enough.
    public static func noiseMultiplier(
        targetEpsilon: Double,
        delta: Double,
        samplingRate: Double,
        steps: Int,
        minimum: Double = 1e-3,
        maximum: Double = 1e4
    ) throws -> Double {
        guard targetEpsilon.isFinite, targetEpsilon > 0 else {
            throw PrivacyError.invalidParameter("target ε", targetEpsilon, expected: "a finite number > 0")
        }
        func epsilon(_ sigma: Double) throws -> Double {
            try loss(
                of: MechanismParameters(noiseMultiplier: sigma, samplingRate: samplingRate, steps: steps),
                delta: delta
            ).epsilon
        }
        guard try epsilon(maximum) <= targetEpsilon else {
            throw PrivacyError.unreachableTarget(targetEpsilon, maximum: maximum)
        }
        if try epsilon(minimum) <= targetEpsilon { return minimum }
        var low = log(minimum)
        var high = log(maximum)  // ε(e^low) > target ≥ ε(e^high)
        while high - low > 1e-6 {
            let middle = (low + high) / 2
            if try epsilon(exp(middle)) <= targetEpsilon { high = middle } else { low = middle }
        }
        return exp(high)
    }
}
