public import BacklineCore

/// Errors of the crypto module.
public enum CryptoErrorDomain: ErrorDomain { public static let name = "crypto" }
/// The crypto module's error.
public typealias CryptoError = BacklineError<CryptoErrorDomain>

extension BacklineError<CryptoErrorDomain>.Code {
    /// A key, nonce, signature or buffer has the wrong length.
    public static let invalidLength = Self("invalid_length")
    /// Authentication failed: wrong key, or the data was altered.
    public static let authenticationFailed = Self("authentication_failed")
    /// A signature did not verify.
    public static let invalidSignature = Self("invalid_signature")
    /// A libsodium call reported failure.
    public static let libraryFailure = Self("library_failure")
}

extension BacklineError where Domain == CryptoErrorDomain {
    /// `what` must be `expected` bytes but was `actual`.
    public static func invalidLength(_ what: String, expected: Int, actual: Int, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidLength, reason: "\(what) must be \(expected) bytes, got \(actual)", fileID: fileID, line: line)
    }
    /// Authentication of `what` failed.
    public static func authenticationFailed(_ what: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .authenticationFailed, reason: "authentication of \(what) failed (wrong key or altered data)", fileID: fileID, line: line)
    }
}
