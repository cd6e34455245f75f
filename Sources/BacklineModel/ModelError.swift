public import BacklineCore

/// Errors of the model module.
public enum ModelErrorDomain: ErrorDomain { public static let name = "model" }
/// The model module's error.
public typealias ModelError = BacklineError<ModelErrorDomain>

extension BacklineError<ModelErrorDomain>.Code {
    /// A matrix, tensor or feature table has inconsistent shapes, offsets or counts.
    public static let invalidShape = Self("invalid_shape")
    /// A value is NaN or infinite where a finite number is required.
    public static let nonFinite = Self("non_finite")
    /// An index is outside its range, or indices are not sorted and unique.
    public static let outOfRange = Self("out_of_range")
    /// A member, artist or feature identifier is not known to the model.
    public static let unknownIdentifier = Self("unknown_identifier")
    /// An argument is invalid (K ≤ 0, negative regularisation, zero factors).
    public static let invalidArgument = Self("invalid_argument")
    /// A model file or table is malformed (truncated header, bad JSON, bad row).
    public static let malformed = Self("malformed")
}

extension BacklineError where Domain == ModelErrorDomain {
    /// `what` has a shape or count that does not fit.
    public static func invalidShape(_ what: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidShape, reason: what, fileID: fileID, line: line)
    }
    /// `what` holds a NaN or infinite value.
    public static func nonFinite(_ what: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .nonFinite, reason: "\(what) is NaN or infinite", fileID: fileID, line: line)
    }
    /// An index in `what` is out of range or out of order.
    public static func outOfRange(_ what: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .outOfRange, reason: what, fileID: fileID, line: line)
    }
    /// The `kind` identifier `identifier` is unknown.
    public static func unknownIdentifier(_ kind: String, _ identifier: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .unknownIdentifier, reason: "unknown \(kind) '\(identifier)'", fileID: fileID, line: line)
    }
    /// An argument is invalid.
    public static func invalidArgument(_ what: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidArgument, reason: what, fileID: fileID, line: line)
    }
    /// A file or table is malformed.
    public static func malformed(_ what: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .malformed, reason: what, fileID: fileID, line: line)
    }
}
