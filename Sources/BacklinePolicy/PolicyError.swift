public import BacklineCore

/// Errors of the policy module (loading; decisions are values, never errors).
public enum PolicyErrorDomain: ErrorDomain { public static let name = "policy" }
/// The policy module's error.
public typealias PolicyError = BacklineError<PolicyErrorDomain>

extension BacklineError<PolicyErrorDomain>.Code {
    /// The policy or table text does not follow the grammar.
    public static let syntax = Self("syntax")
    /// A rule names a role, action, resource type or attribute that was not declared.
    public static let undeclared = Self("undeclared")
    /// A rule id or declaration appears twice.
    public static let duplicate = Self("duplicate")
    /// The file could not be read, is too large or is not UTF-8.
    public static let unreadable = Self("unreadable")
    /// A SPIFFE ID or resource reference is malformed.
    public static let invalidInput = Self("invalid_input")
}

extension BacklineError where Domain == PolicyErrorDomain {
    /// A load error at `line` of `file`.
    public static func atLine(
        _ code: Code,
        _ file: String,
        _ line: Int,
        _ message: String,
        fileID: String = #fileID,
        line sourceLine: UInt = #line
    ) -> Self {
        Self(code: code, reason: "\(file):\(line): \(message)", fileID: fileID, line: sourceLine)
    }
    /// `path` could not be read as a policy.
    public static func unreadable(
        _ path: String,
        _ message: String,
        underlying: (any Error)? = nil,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(code: .unreadable, reason: "\(path): \(message)", underlying: underlying, fileID: fileID, line: line)
    }
    /// Malformed request input.
    public static func invalidInput(_ message: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidInput, reason: message, fileID: fileID, line: line)
    }
}
