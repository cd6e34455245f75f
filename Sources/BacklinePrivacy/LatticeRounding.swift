/// Rounds scaled contributions to whole lattice steps and adds them to an Int64 sum.
///
/// Rounding uses the binary64 "magic number" identity: for |v| < 2^51, the bits of v + 1.5·2^52
/// are those of 1.5·2^52 plus round-half-even(v), so the step count is an integer subtraction. This
/// is exact, needs no libm call per coordinate, and vectorises. ``GaussianSumMechanism`` keeps
/// C/γ below 1000·√d ≤ 2^26 (γ > 10⁻³·C/√d, d ≤ 2^31), and a clipped contribution's coordinates are
/// at most C/γ steps, far inside the identity's range.
enum LatticeRounding {
    /// 1.5·2^52.
    private static let magic = 0x1.8p52
    /// Largest |v| for which ``addSteps(of:scaledBy:into:)`` is exact.
    static let limit = 0x1p51

    /// `sum[i] += round(values[i] · factor)` for every i (wrapping Int64 addition). The caller
    /// guarantees |values[i] · factor| < ``limit`` (a clipped contribution over the lattice step).
    static func addSteps(of values: UnsafeBufferPointer<Float>, scaledBy factor: Double, into sum: UnsafeMutableBufferPointer<Int64>) {
        let bias = Int64(bitPattern: magic.bitPattern)
        guard let input = values.baseAddress, let output = sum.baseAddress else { return }
        for index in 0..<min(values.count, sum.count) {
            let shifted = Double(input[index]) * factor + magic
            output[index] &+= Int64(bitPattern: shifted.bitPattern) &- bias
        }
    }
}
