public import BacklineCore

/// Errors of the federation module.
public enum FederationErrorDomain: ErrorDomain { public static let name = "federation" }
/// The federation module's error.
public typealias FederationError = BacklineError<FederationErrorDomain>

extension BacklineError<FederationErrorDomain>.Code {
    /// A setting (rate, clip norm, rounds, learning rate, …) is outside its accepted range.
    public static let invalidParameter = Self("invalid_parameter")
    /// Tables or parameters do not fit together (row counts, column counts, tensor shapes).
    public static let shapeMismatch = Self("shape_mismatch")
    /// The server could not publish a model from a round (too few contributions, refused updates).
    public static let roundNotPublished = Self("round_not_published")
}

extension BacklineError where Domain == FederationErrorDomain {
    /// `what` is `value`, but must be `expected`.
    public static func invalidParameter(
        _ what: String,
        _ value: some CustomStringConvertible,
        expected: String,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(code: .invalidParameter, reason: "\(what) is \(value), expected \(expected)", fileID: fileID, line: line)
    }
    /// `what` does not fit: `detail` names both sizes.
    public static func shapeMismatch(_ what: String, _ detail: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .shapeMismatch, reason: "\(what): \(detail)", fileID: fileID, line: line)
    }
    /// Round `round` produced no model: `reason`.
    public static func roundNotPublished(_ round: UInt64, _ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .roundNotPublished, reason: "round \(round) not published: \(reason)", fileID: fileID, line: line)
    }
}
