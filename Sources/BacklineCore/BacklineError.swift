/// The domain a ``BacklineError`` belongs to: one per module (crypto, vault, transport, …).
///
/// A module declares an empty enum conforming to this protocol and a type alias, for example
/// `public enum CryptoErrorDomain: ErrorDomain { public static let name = "crypto" }` and
/// `public typealias CryptoError = BacklineError<CryptoErrorDomain>`, then adds its codes as
/// static members of `BacklineError<CryptoErrorDomain>.Code` and a factory per code.
public protocol ErrorDomain: Sendable {
    /// Short lowercase name shown in messages, e.g. `"crypto"`.
    static var name: String { get }
}

/// The error every Backline module throws, specialised per module by its ``ErrorDomain``.
///
/// Equality is on ``code`` only. ``description`` is generic and safe to log anywhere;
/// ``reason`` and ``debugDescription`` carry details, which never contain keys, plaintext,
/// tokens or SQL bind values (callers are responsible for what they put in `reason`).
public struct BacklineError<Domain: ErrorDomain>: Error, Hashable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// A stable, machine-readable error code. Modules add codes as static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable identifier, e.g. `"truncated"`, used in JSON output and tests.
        public let identifier: String
        /// Creates a code; modules call this once per code in a static member.
        public init(_ identifier: String) { self.identifier = identifier }
        public var description: String { identifier }
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A human-readable explanation naming the file, line, field or value at fault.
    public let reason: String
    /// Where the error was made.
    public let fileID: String
    /// Line where the error was made.
    public let line: UInt
    /// The lower-level error, if any.
    public let underlying: (any Error)?
    /// The C library's own error code, if any (errno, OpenSSL packed error, SQLite code).
    public let libraryCode: Int?

    /// Creates an error. Prefer the module's factories (`CryptoError.truncated(…)`).
    public init(
        code: Code,
        reason: String,
        underlying: (any Error)? = nil,
        libraryCode: Int? = nil,
        fileID: String = #fileID,
        line: UInt = #line
    ) {
        self.code = code
        self.reason = reason
        self.underlying = underlying
        self.libraryCode = libraryCode
        self.fileID = fileID
        self.line = line
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// `"<domain> error: <code>: <reason>"`: what a user sees.
    public var description: String { "\(Domain.name) error: \(code): \(reason)" }

    public var debugDescription: String {
        var text = "\(description) [at \(fileID):\(line)"
        if let libraryCode { text += ", library code \(libraryCode)" }
        text += "]"
        if let underlying { text += " underlying: \(String(reflecting: underlying))" }
        return text
    }
}

/// An error with a stable machine-readable code, reported in `--json` error output.
public protocol CodedError: Error {
    /// The stable code, e.g. `"truncated"`.
    var codeIdentifier: String { get }
}

extension BacklineError: CodedError {
    public var codeIdentifier: String { code.identifier }
}
