public import BacklineCore

/// Errors of the node module.
public enum NodeErrorDomain: ErrorDomain { public static let name = "node" }
/// The node module's error.
public typealias NodeError = BacklineError<NodeErrorDomain>

extension BacklineError<NodeErrorDomain>.Code {
    /// A node setting cannot take part in a private round (no privacy settings, weaker than the round's).
    public static let invalidParameter = Self("invalid_parameter")
    /// The aggregator refused a request: the HTTP status and the API's error code are in the reason.
    public static let refused = Self("refused")
    /// The aggregator's answer is not what the API promises (missing field, bad JSON, bad header).
    public static let protocolViolation = Self("protocol_violation")
    /// The model bytes do not hash to the SHA-256 the aggregator announced with them.
    public static let modelChecksumMismatch = Self("model_checksum_mismatch")
}

extension BacklineError where Domain == NodeErrorDomain {
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
    /// `request` answered `status` with API error code `code`.
    public static func refused(_ request: String, status: Int, code: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .refused, reason: "\(request) answered \(status) '\(code.prefix(64))'", fileID: fileID, line: line)
    }
    /// `request`'s answer is malformed: `detail`.
    public static func protocolViolation(_ request: String, _ detail: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .protocolViolation, reason: "\(request): \(detail)", fileID: fileID, line: line)
    }
    /// Model version `version` hashed to another digest than announced.
    public static func modelChecksumMismatch(version: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(
            code: .modelChecksumMismatch,
            reason: "model version \(version.prefix(32)) does not match its X-Backline-Model-SHA256 header",
            fileID: fileID,
            line: line
        )
    }
}

extension BacklineError<NodeErrorDomain>.Code {
    /// The node's configuration file is unreadable or a field in it is wrong.
    public static let invalidConfiguration = Self("invalid_configuration")
}

extension BacklineError where Domain == NodeErrorDomain {
    /// Field `field` of the configuration (in `file`, when known) is wrong: `problem`.
    public static func invalidConfiguration(
        _ field: String,
        _ problem: String,
        file: String? = nil,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(code: .invalidConfiguration, reason: (file.map { "\($0): " } ?? "") + "\(field) \(problem)", fileID: fileID, line: line)
    }
}

extension BacklineError<NodeErrorDomain>.Code {
    /// Something that may pass (the aggregator unreachable) failed as many times in a row as the
    /// node's `retry.max_attempts` allows.
    public static let retriesExhausted = Self("retries_exhausted")
}

extension BacklineError where Domain == NodeErrorDomain {
    /// `what` failed `attempts` times in a row, the last time with `lastFailure`.
    public static func retriesExhausted(
        _ what: String,
        attempts: Int,
        lastFailure: any Error,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .retriesExhausted,
            reason:
                "gave up trying to \(what) after \(attempts) attempt\(attempts == 1 ? "" : "s") in a row (retry.max_attempts); last failure: \(String(describing: lastFailure).prefix(300))",
            underlying: lastFailure,
            fileID: fileID,
            line: line
        )
    }
}
