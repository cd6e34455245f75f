public import BacklineCore

/// Errors of the report module.
public enum ReportErrorDomain: ErrorDomain { public static let name = "report" }
/// The report module's error.
public typealias ReportError = BacklineError<ReportErrorDomain>

extension BacklineError<ReportErrorDomain>.Code {
    /// An input document (summary, ledger, statistics) is not valid JSON or does not follow its schema.
    public static let invalidInput = Self("invalid_input")
    /// An input value is out of its documented range (negative count, NaN, ε above budget…).
    public static let invalidValue = Self("invalid_value")
    /// An input file is larger than the report accepts.
    public static let inputTooLarge = Self("input_too_large")
}

extension BacklineError where Domain == ReportErrorDomain {
    /// `document` is not valid JSON or breaks its schema at `field`.
    public static func invalidInput(
        _ document: String,
        field: String,
        _ reason: String,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(code: .invalidInput, reason: "\(document): \(field): \(reason)", fileID: fileID, line: line)
    }
    /// `field` of `document` holds a value outside its range; `reason` says which bound.
    public static func invalidValue(
        _ document: String,
        field: String,
        _ reason: String,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(code: .invalidValue, reason: "\(document): \(field): \(reason)", fileID: fileID, line: line)
    }
    /// `document` has `size` bytes, more than `limit`.
    public static func inputTooLarge(_ document: String, size: Int, limit: Int, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .inputTooLarge, reason: "\(document) has \(size) bytes, more than the \(limit) accepted", fileID: fileID, line: line)
    }
}
