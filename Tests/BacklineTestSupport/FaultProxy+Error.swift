public import BacklineCore

/// Errors of the fault-injecting test proxy.
public enum FaultProxyErrorDomain: ErrorDomain { public static let name = "fault-proxy" }
/// The fault proxy's error.
public typealias FaultProxyError = BacklineError<FaultProxyErrorDomain>

extension BacklineError<FaultProxyErrorDomain>.Code {
    /// A fault mix is not a set of probabilities.
    public static let invalidMix = Self("invalid_mix")
    /// An address is not dotted IPv4.
    public static let invalidAddress = Self("invalid_address")
}

extension BacklineError where Domain == FaultProxyErrorDomain {
    /// The mix is refused for `reason`.
    static func invalidMix(_ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidMix, reason: reason, fileID: fileID, line: line)
    }

    /// `address` is not dotted IPv4.
    static func invalidAddress(_ address: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidAddress, reason: "'\(address)' is not a dotted IPv4 address", fileID: fileID, line: line)
    }
}
