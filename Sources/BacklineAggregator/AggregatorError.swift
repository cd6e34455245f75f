public import BacklineCore

/// Errors of the aggregator module.
public enum AggregatorErrorDomain: ErrorDomain { public static let name = "aggregator" }
/// The aggregator module's error.
public typealias AggregatorError = BacklineError<AggregatorErrorDomain>

extension BacklineError<AggregatorErrorDomain>.Code {
    /// The configuration is invalid or names a file that cannot be used.
    public static let invalidConfiguration = Self("invalid_configuration")
    /// A stored model or update could not be decoded.
    public static let malformedTensor = Self("malformed_tensor")
    /// The store, audit log or another dependency failed.
    public static let unavailable = Self("unavailable")
}

extension BacklineError where Domain == AggregatorErrorDomain {
    /// Configuration `field` (from `file`) is unusable because of `problem`.
    public static func invalidConfiguration(
        _ field: String,
        _ problem: String,
        file: String? = nil,
        underlying: (any Error)? = nil,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        let place = file.map { "\($0): " } ?? ""
        return Self(code: .invalidConfiguration, reason: "\(place)\(field): \(problem)", underlying: underlying, fileID: fileID, line: line)
    }
    /// A tensor file (`what`) could not be decoded.
    public static func malformedTensor(_ what: String, _ problem: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .malformedTensor, reason: "\(what): \(problem)", fileID: fileID, line: line)
    }
    /// `what` failed.
    public static func unavailable(_ what: String, underlying: (any Error)? = nil, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .unavailable, reason: what, underlying: underlying, fileID: fileID, line: line)
    }
}
