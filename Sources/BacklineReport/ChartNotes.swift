/// Counts of values a chart could not draw, turned into the notes under it.
struct ChartNotes: Sendable {
    var notFinite = 0
    var missing = 0
    var negative = 0

    /// Sorts `value` into drawable or one of the skipped kinds; returns it when drawable.
    mutating func check(_ value: Double?, allowNegative: Bool = true) -> Double? {
        guard let value else {
            missing += 1
            return nil
        }
        guard value.isFinite else {
            notFinite += 1
            return nil
        }
        guard allowNegative || value >= 0 else {
            negative += 1
            return nil
        }
        return value
    }

    /// The sentences for the caption, plus "no data" when `empty`.
    func sentences(empty: Bool) -> [String] {
        var notes: [String] = []
        if empty { notes.append("no data to plot.") }
        if notFinite > 0 {
            notes.append(
                "\(notFinite) value\(notFinite == 1 ? " was" : "s were") not a finite number (NaN or infinite) and \(notFinite == 1 ? "is" : "are") not drawn."
            )
        }
        if missing > 0 { notes.append("\(missing) value\(missing == 1 ? " is" : "s are") not available and not drawn.") }
        if negative > 0 { notes.append("\(negative) negative value\(negative == 1 ? " is" : "s are") not drawn in a stacked bar.") }
        return notes
    }
}
