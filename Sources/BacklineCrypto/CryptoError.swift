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
    /// A parameter is outside the range the primitive or the policy accepts (KDF context, Argon2id limits).
    public static let invalidParameter = Self("invalid_parameter")
    /// A stream was used after its final chunk (push or pull past `final`).
    public static let streamFinished = Self("stream_finished")
    /// A Diffie-Hellman result was the all-zero value (a low-order peer key).
    public static let weakPublicKey = Self("weak_public_key")
}

extension BacklineError where Domain == CryptoErrorDomain {
    /// `what` must be `expected` bytes but was `actual`.
    public static func invalidLength(_ what: String, expected: Int, actual: Int, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidLength, reason: "\(what) must be \(expected) bytes, got \(actual)", fileID: fileID, line: line)
    }
    /// Authentication of `what` failed.
    public static func authenticationFailed(_ what: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(
            code: .authenticationFailed,
            reason: "authentication of \(what) failed (wrong key or altered data)",
            fileID: fileID,
            line: line
        )
    }
    /// The libsodium function `function` returned `status`.
    public static func libraryFailure(_ function: String, status: Int32, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .libraryFailure, reason: "\(function) failed", libraryCode: Int(status), fileID: fileID, line: line)
    }
    /// `what` is outside its accepted range; `reason` says which bound.
    public static func invalidParameter(_ what: String, _ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidParameter, reason: "\(what): \(reason)", fileID: fileID, line: line)
    }
    /// The stream `what` was used after its final chunk.
    public static func streamFinished(_ what: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .streamFinished, reason: "\(what) was used after its final chunk", fileID: fileID, line: line)
    }
}
