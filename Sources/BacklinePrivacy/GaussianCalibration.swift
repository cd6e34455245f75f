#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Foundation
#endif

/// Closed-form calibrations of the Gaussian mechanism.
public enum GaussianCalibration {
    /// The classic bound σ = Δ·√(2 ln(1.25/δ))/ε (Dwork & Roth 2014, Theorem A.1), for local or
    /// one-shot releases. Δ = 1, ε = 1, δ = 1e-5 gives σ ≈ 4.8448.
    ///
    /// The theorem is stated for ε < 1; ε = 1 is accepted as its limit (the bound is continuous
    /// there). For larger ε use the RDP accountant (``RDPAccountant/noiseMultiplier(targetEpsilon:delta:samplingRate:steps:minimum:maximum:)``).
    /// - Throws: `invalid_parameter` unless Δ > 0, 0 < ε ≤ 1 and 0 < δ < 1.
    public static func classicSigma(sensitivity: Double, epsilon: Double, delta: Double) throws -> Double {
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw PrivacyError.invalidParameter("sensitivity Δ", sensitivity, expected: "a finite number > 0")
        }
        guard epsilon.isFinite, epsilon > 0, epsilon <= 1 else {
            throw PrivacyError.invalidParameter("ε", epsilon, expected: "a number in (0, 1] for the classic bound")
        }
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw PrivacyError.invalidParameter("δ", delta, expected: "a number in (0, 1)")
        }
        return sensitivity * (2 * log(1.25 / delta)).squareRoot() / epsilon
    }
}
