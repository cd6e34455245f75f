import Foundation

/// A metadata value in a log line, marked with its sensitivity: ``LogValue/private(_:)`` values
/// are redacted by every handler, so member data, keys and tokens never reach a log.
public enum LogValue: Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// Safe to print (identities, counts, codes).
    case `public`(String)
    /// Printed as `<redacted>`.
    case `private`(String)

    public init(stringLiteral value: String) { self = .public(value) }

    /// What a handler prints.
    public var description: String {
        switch self {
        case .public(let text): return text
        case .private: return "<redacted>"
        }
    }
}

/// Severity of a log line.
public enum LogLevel: Int, Sendable, Comparable, CustomStringConvertible {
    case debug, info, notice, warning, error
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { ["debug", "info", "notice", "warning", "error"][rawValue] }
}

/// A small structured logger writing one line per event (`time level label: message k=v …`)
/// to standard error or to a sink, redacting private metadata.
public struct Logger: Sendable {
    /// Receives formatted lines; the default writes to standard error.
    public typealias Sink = @Sendable (String) -> Void

    /// Component name shown on every line.
    public let label: String
    /// Lines below this level are dropped.
    public var minimumLevel: LogLevel
    private let sink: Sink

    /// A logger for `label` writing to `sink` (standard error if nil).
    public init(label: String, minimumLevel: LogLevel = .info, sink: Sink? = nil) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.sink = sink ?? { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Logs `message` with `metadata` at `level`.
    public func log(_ level: LogLevel, _ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) {
        guard level >= minimumLevel else { return }
        var line = "\(ISO8601DateFormatter().string(from: Date())) \(level) \(label): \(message)"
        for (key, value) in metadata { line += " \(key)=\(value)" }
        sink(line)
    }

    public func info(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) { log(.info, message, metadata) }
    public func warning(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) { log(.warning, message, metadata) }
    public func error(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) { log(.error, message, metadata) }
    public func debug(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) { log(.debug, message, metadata) }
}
