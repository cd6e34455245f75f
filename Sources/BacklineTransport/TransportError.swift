public import BacklineCore

/// Errors of the transport module (PKI, TLS, HTTP).
public enum TransportErrorDomain: ErrorDomain { public static let name = "transport" }
/// The transport module's error.
public typealias TransportError = BacklineError<TransportErrorDomain>

extension BacklineError<TransportErrorDomain>.Code {
    /// An argument (name, role, federation, lifetime, path) is not acceptable.
    public static let invalidArgument = Self("invalid_argument")
    /// An OpenSSL call failed; the drained error queue is in the reason.
    public static let libraryFailure = Self("library_failure")
    /// A PKI file is missing, unreadable or inconsistent.
    public static let pkiState = Self("pki_state")
    /// The TLS handshake failed (alert sent or received, bad certificate, wrong protocol).
    public static let handshakeFailed = Self("handshake_failed")
    /// The peer's certificate verified but its identity is not acceptable.
    public static let peerRejected = Self("peer_rejected")
    /// A socket call failed.
    public static let io = Self("io")
    /// A deadline passed.
    public static let timeout = Self("timeout")
    /// The peer closed the connection before the exchange finished.
    public static let connectionClosed = Self("connection_closed")
    /// The peer sent bytes that are not valid HTTP/1.1.
    public static let protocolViolation = Self("protocol_violation")
    /// The server refused the request because it is at capacity (HTTP 503).
    public static let busy = Self("busy")
}

extension BacklineError where Domain == TransportErrorDomain {
    /// `field` has an unacceptable `value`.
    public static func invalidArgument(_ field: String, _ explanation: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidArgument, reason: "\(field): \(explanation)", fileID: fileID, line: line)
    }
    /// A PKI file problem at `path`.
    public static func pkiState(_ path: String, _ explanation: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .pkiState, reason: "\(path): \(explanation)", fileID: fileID, line: line)
    }
    /// The peer's identity was refused for `reason`.
    public static func peerRejected(_ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .peerRejected, reason: reason, fileID: fileID, line: line)
    }
    /// `operation` did not finish before its deadline.
    public static func timeout(_ operation: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .timeout, reason: "\(operation) timed out", fileID: fileID, line: line)
    }
    /// The peer closed the connection during `operation`.
    public static func connectionClosed(_ operation: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .connectionClosed, reason: "peer closed the connection during \(operation)", fileID: fileID, line: line)
    }
    /// A socket call `call` failed with `errno`.
    public static func io(_ call: String, errno code: Int32, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .io, reason: "\(call) failed: \(SystemCall.errorString(code))", libraryCode: Int(code), fileID: fileID, line: line)
    }
    /// Bytes from the peer are not valid HTTP: `explanation`.
    public static func protocolViolation(_ explanation: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .protocolViolation, reason: explanation, fileID: fileID, line: line)
    }

    /// The TLS alert number carried by this error (received from the peer or sent to it), if any:
    /// 116 certificate required, 70 protocol version, 48 unknown CA, 45 expired, 44 revoked…
    public var tlsAlert: Int? {
        guard code == .handshakeFailed || code == .libraryFailure, let libraryCode else { return nil }
        let reason = OpenSSLErrorQueue.reasonCode(of: libraryCode)
        return (1000..<1256).contains(reason) ? reason - 1000 : nil
    }
}
