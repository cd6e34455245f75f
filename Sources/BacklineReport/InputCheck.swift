/// Range checks on decoded report input, throwing ``ReportError`` `invalid_value` errors that name
/// the document, the field and the value at fault.
struct InputCheck: Sendable {
    /// The document named in errors.
    let document: String

    /// `value` is finite and, if given, inside `range`.
    func number(_ value: Double, _ field: String, in range: ClosedRange<Double>? = nil) throws {
        guard value.isFinite else { throw ReportError.invalidValue(document, field: field, "must be a finite number") }
        if let range, !range.contains(value) {
            throw ReportError.invalidValue(
                document,
                field: field,
                "must be between \(ReportNumber.compact(range.lowerBound)) and \(ReportNumber.compact(range.upperBound)), got \(ReportNumber.compact(value))"
            )
        }
    }

    /// `value` is a probability-like δ in the open interval (0, 1).
    func delta(_ value: Double, _ field: String) throws {
        guard value.isFinite, value > 0, value < 1 else {
            throw ReportError.invalidValue(document, field: field, "must be in (0, 1), got \(ReportNumber.compact(value))")
        }
    }

    /// `value` ≥ 0.
    func count(_ value: Int, _ field: String) throws {
        guard value >= 0 else { throw ReportError.invalidValue(document, field: field, "must not be negative, got \(value)") }
    }

    /// A list has at most `maximum` items.
    func size(_ count: Int, _ field: String, maximum: Int) throws {
        guard count <= maximum else { throw ReportError.invalidValue(document, field: field, "has \(count) items, more than \(maximum)") }
    }

    /// `text` is not blank (unless `allowEmpty`) and at most `maximum` characters long.
    func text(_ text: String, _ field: String, maximum: Int = 200, allowEmpty: Bool = false) throws {
        if !allowEmpty && text.allSatisfy(\.isWhitespace) { throw ReportError.invalidValue(document, field: field, "must not be empty") }
        guard text.count <= maximum else {
            throw ReportError.invalidValue(document, field: field, "is \(text.count) characters long, more than \(maximum)")
        }
    }
}
