import Foundation

/// A linear scale from data values to a pixel range, with "nice" tick values (1, 2 or 5 × 10ⁿ).
///
/// It copes with no values (0…1), a single value, values of any finite size (arithmetic is done on
/// halves so that `upper − lower` cannot overflow) and spans too small for the precision of Double.
struct ChartScale: Sendable {
    /// The lowest value of the domain.
    let lower: Double
    /// The highest value of the domain; greater than ``lower``.
    let upper: Double
    /// Tick values within the domain, ascending.
    let ticks: [Double]

    /// A scale covering every finite value of `values` (others are ignored), and 0 if `includeZero`.
    /// Ticks are at least `minimumStep` apart (1 for counts and round numbers).
    init(covering values: [Double], includeZero: Bool, minimumStep: Double = 0) {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0
        var high = finite.max() ?? 1
        if includeZero {
            low = Swift.min(low, 0)
            high = Swift.max(high, 0)
        }
        if low == high {
            let pad = low == 0 ? 1 : abs(low) / 10
            if includeZero && low > 0 {
                low = 0
            } else if includeZero && high < 0 {
                high = 0
            } else {
                low -= pad
                high += pad
            }
            if low == high { high = low.nextUp }
        }
        let target = Swift.max((high / 2 - low / 2) / 2.5, minimumStep)
        var step = target
        if target > 0, target.isFinite {
            let magnitude = pow(10, floor(log10(target)))
            let residual = target / magnitude
            let nice = residual < 1.5 ? 1.0 : residual < 3 ? 2.0 : residual < 7 ? 5.0 : 10.0
            if (nice * magnitude).isFinite { step = nice * magnitude }
        }
        let niceLow = floor(low / step) * step
        let niceHigh = ceil(high / step) * step
        if niceLow.isFinite, niceHigh.isFinite, niceLow < niceHigh, niceLow + step > niceLow {
            lower = niceLow
            upper = niceHigh
            var values: [Double] = []
            var index = 0.0
            while values.count < 12 {
                let tick = niceLow + index * step
                if tick > niceHigh + step * 1e-9 { break }
                values.append(abs(tick) < step * 1e-9 ? 0 : tick)
                index += 1
            }
            ticks = values
        } else {
            lower = low
            upper = high
            ticks = [low, high]
        }
    }

    /// The position of `value` in the pixel range `start…end` (which may run backwards, as y does).
    func position(_ value: Double, from start: Double, to end: Double) -> Double {
        let fraction = (value / 2 - lower / 2) / (upper / 2 - lower / 2)
        let clamped = Swift.min(Swift.max(fraction.isFinite ? fraction : 0, -0.05), 1.05)
        return start + (end - start) * clamped
    }
}
