internal import BacklineCore
import Foundation

/// One option a command accepts.
public struct OptionSpec: Sendable {
    /// Name without dashes, e.g. `"top"` for `--top`.
    public let name: String
    /// Placeholder for the value (`"N"`), or nil for a flag that takes none.
    public let valueName: String?
    /// One line of help.
    public let help: String
    /// Whether the option may be given several times.
    public let repeatable: Bool

    /// An option taking a value.
    public static func value(_ name: String, _ valueName: String, _ help: String, repeatable: Bool = false) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, repeatable: repeatable)
    }
    /// A flag.
    public static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help, repeatable: false)
    }
}

/// A `backline` command: a leaf that runs, or a group of subcommands.
public protocol Command: Sendable {
    /// The word that selects it (`"import"`).
    var name: String { get }
    /// One line saying what it does.
    var abstract: String { get }
    /// Extra help text after the options (examples, details); may be empty.
    var discussion: String { get }
    /// Options it accepts (besides `--help`, and `--json` where ``reportsJSON`` is set).
    var options: [OptionSpec] { get }
    /// Placeholder names of positional arguments, for the usage line.
    var positionals: [String] { get }
    /// Whether it takes `--json` (every command that reports something does).
    var reportsJSON: Bool { get }
    /// Subcommands; a command with subcommands is a group and does not run itself.
    var subcommands: [any Command] { get }
    /// Runs the command; returns the process exit code.
    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32
}

extension Command {
    public var discussion: String { "" }
    public var options: [OptionSpec] { [] }
    public var positionals: [String] { [] }
    public var reportsJSON: Bool { true }
    public var subcommands: [any Command] { [] }
    public func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        throw UsageError("'\(name)' needs a subcommand: \(subcommands.map(\.name).joined(separator: ", "))")
    }
}

/// A mistake in how a command was called: printed with the usage line, exit code 64.
public struct UsageError: Error, CustomStringConvertible {
    /// What is wrong, e.g. "missing --vault".
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The options and positionals of one invocation, checked against the command's ``OptionSpec``s.
public struct ParsedArguments: Sendable {
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []
    /// Positional arguments in order.
    public private(set) var positionals: [String] = []

    /// Parses `arguments` for a command declaring `specs`; throws ``UsageError`` for unknown
    /// options, missing values and repeated non-repeatable options.
    public init(_ arguments: [String], specs: [OptionSpec]) throws {
        let byName = Dictionary(specs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("--") || argument == "-" {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let spec = byName[name] else { throw UsageError("unknown option --\(name)") }
            if spec.valueName == nil {
                guard inlineValue == nil else { throw UsageError("--\(name) takes no value") }
                flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw UsageError("--\(name) needs a value (\(spec.valueName!))") }
                value = arguments[index]
                index += 1
            }
            if values[name] != nil && !spec.repeatable { throw UsageError("--\(name) given more than once") }
            values[name, default: []].append(value)
        }
    }

    /// Whether flag `--name` was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }
    /// The value of `--name`, if given.
    public func value(_ name: String) -> String? { values[name]?.last }
    /// Every value of a repeatable `--name`.
    public func values(_ name: String) -> [String] { values[name] ?? [] }

    /// The value of `--name`, or a ``UsageError`` saying it is required.
    public func required(_ name: String) throws -> String {
        guard let value = value(name) else { throw UsageError("missing --\(name)") }
        return value
    }

    /// `--name` as an integer within `range`, or `defaultValue` when absent.
    public func integer(_ name: String, default defaultValue: Int? = nil, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let text = value(name) else {
            guard let defaultValue else { throw UsageError("missing --\(name)") }
            return defaultValue
        }
        guard let number = Int(text) else { throw UsageError("--\(name) must be a whole number, got '\(text)'") }
        guard range.contains(number) else {
            throw UsageError("--\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }

    /// `--name` as a finite number within `range`, or `defaultValue` when absent.
    public func double(
        _ name: String,
        default defaultValue: Double? = nil,
        in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    ) throws -> Double {
        guard let text = value(name) else {
            guard let defaultValue else { throw UsageError("missing --\(name)") }
            return defaultValue
        }
        guard let number = Double(text), number.isFinite else { throw UsageError("--\(name) must be a finite number, got '\(text)'") }
        guard range.contains(number) else {
            throw UsageError("--\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }
}

/// Where a command writes, and how it should report. Tests pass buffers to capture output.
public struct CommandContext: Sendable {
    /// Writes to standard output.
    public let output: @Sendable (String) -> Void
    /// Writes to standard error (progress, warnings).
    public let diagnostics: @Sendable (String) -> Void
    /// Whether `--json` was given: report machine-readable JSON on standard output.
    public var json: Bool = false

    /// A context writing to the process's standard output and error.
    public static let standard = CommandContext(
        output: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        diagnostics: { text in FileHandle.standardError.write(Data(text.utf8)) }
    )

    public init(output: @escaping @Sendable (String) -> Void, diagnostics: @escaping @Sendable (String) -> Void, json: Bool = false) {
        self.output = output
        self.diagnostics = diagnostics
        self.json = json
    }

    /// Prints a line on standard output.
    public func print(_ line: String = "") { output(line + "\n") }
    /// Prints a line on standard error.
    public func note(_ line: String) { diagnostics(line + "\n") }

    /// Prints `value` as one line of JSON on standard output (keys sorted, for stable output).
    public func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        output(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// Prints `value` as JSON when `--json` was given, otherwise `human()` as text.
    public func report(_ value: some Encodable, human: () -> String) throws {
        if json { try printJSON(value) } else { print(human()) }
    }
}
