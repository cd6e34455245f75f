import Foundation

/// Number formatting for reports and chart labels: short, locale-free, never "nan" or "inf".
public enum ReportNumber {
    /// `value` with about four significant digits; scientific notation beyond 10⁶ or below 10⁻³;
    /// `"–"` for NaN or infinity.
    public static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 { return String(format: "%.3g", value) }
        return String(format: "%.4g", value)
    }

    /// `value` with `decimals` digits after the point; `"–"` for NaN or infinity.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "–" }
        if abs(value) >= 1e12 { return String(format: "%.3g", value) }
        return String(format: "%.\(max(0, min(decimals, 12)))f", value)
    }

    /// `value` formatted with ``fixed(_:decimals:)``, or `"–"` for nil.
    public static func fixed(_ value: Double?, decimals: Int) -> String {
        value.map { fixed($0, decimals: decimals) } ?? "–"
    }
}
