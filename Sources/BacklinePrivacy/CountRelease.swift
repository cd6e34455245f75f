/// How a release reports how many members contributed: either a public number that does not depend
/// on the data (for example the configured expected batch size), or the true count plus discrete
/// Gaussian noise with its own multiplier, which the accountant charges jointly with the sum.
public struct CountRelease: Hashable, Sendable, Codable {
    /// The public value reported instead of the true count, if any.
    public let publicValue: Double?
    /// The noise multiplier of the count (sensitivity 1), if the true count is noised.
    public let noiseMultiplier: Double?

    /// Report `value`, which must not depend on who is in the data.
    public static func publicValue(_ value: Double) -> Self { Self(publicValue: value, noiseMultiplier: nil) }
    /// Report the true count plus N_ℤ noise of standard deviation `multiplier` (the count has sensitivity 1).
    public static func noised(multiplier: Double) -> Self { Self(publicValue: nil, noiseMultiplier: multiplier) }

    func validated() throws -> Self {
        if let publicValue {
            guard publicValue.isFinite, publicValue >= 0, noiseMultiplier == nil else {
                throw PrivacyError.invalidParameter("public count", publicValue, expected: "a finite number ≥ 0")
            }
        } else {
            guard let noiseMultiplier, noiseMultiplier.isFinite, noiseMultiplier > 0 else {
                throw PrivacyError.invalidParameter(
                    "count noise multiplier",
                    String(describing: noiseMultiplier),
                    expected: "a finite number > 0"
                )
            }
        }
        return self
    }

    /// The noise multiplier charged for a sum noised with `sumMultiplier` released together with
    /// this count: the two form one Gaussian mechanism with L2 sensitivity √(1/z² + 1/z_c²) in
    /// units of noise, i.e. multiplier (z⁻² + z_c⁻²)^(−1/2). With a public count, just z.
    public func combinedMultiplier(withSum sumMultiplier: Double) -> Double {
        guard let noiseMultiplier else { return sumMultiplier }
        return 1 / (1 / (sumMultiplier * sumMultiplier) + 1 / (noiseMultiplier * noiseMultiplier)).squareRoot()
    }
}
