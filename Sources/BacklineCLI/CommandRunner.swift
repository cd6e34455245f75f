internal import BacklineCore
import Foundation

/// Finds the command an argument list names, parses its options, prints help or errors, and
/// turns every outcome into an exit code: 0 success, 1 failure, 64 usage error.
public enum CommandRunner {
    /// Exit code for a usage error (sysexits EX_USAGE).
    public static let usageExitCode: Int32 = 64

    /// Runs `arguments` (without the program name) against the root command.
    public static func run(_ arguments: [String], context: CommandContext = .standard) async -> Int32 {
        await run(arguments, root: RootCommand(), context: context)
    }

    /// Runs `arguments` against `root`.
    public static func run(_ arguments: [String], root: any Command, context: CommandContext) async -> Int32 {
        var command: any Command = root
        var path = [root.name]
        var rest = arguments[...]
        while let next = rest.first, let sub = command.subcommands.first(where: { $0.name == next }) {
            command = sub
            path.append(next)
            rest = rest.dropFirst()
        }
        if rest.contains("--help") || rest.contains("-h") || (rest.first == "help" && !command.subcommands.isEmpty) {
            context.print(helpText(for: command, path: path))
            return 0
        }
        if !command.subcommands.isEmpty, let first = rest.first, !first.hasPrefix("-") {
            context.diagnostics("error: unknown command '\(first)' for '\(path.joined(separator: " "))'\n\n")
            context.diagnostics(helpText(for: command, path: path) + "\n")
            return usageExitCode
        }
        var specs = command.options
        if command.reportsJSON { specs.append(.flag("json", "Print the result as JSON")) }
        var commandContext = context
        do {
            let parsed = try ParsedArguments(Array(rest), specs: specs)
            commandContext.json = parsed.flag("json")
            if parsed.positionals.count > command.positionals.count && !(command.positionals.last?.hasSuffix("...") ?? false) {
                throw UsageError("unexpected argument '\(parsed.positionals[command.positionals.count])'")
            }
            return try await command.run(parsed, commandContext)
        } catch let error as UsageError {
            context.diagnostics(
                "error: \(error.message)\nusage: \(usageLine(for: command, path: path))\n(see '\(path.joined(separator: " ")) --help')\n"
            )
            return usageExitCode
        } catch {
            reportFailure(error, context: commandContext)
            return 1
        }
    }

    /// Prints a failure: a line on standard error, and with `--json` an error object on standard output.
    static func reportFailure(_ error: any Error, context: CommandContext) {
        let message = String(describing: error)
        context.diagnostics("error: \(message)\n")
        if context.json {
            struct ErrorReport: Encodable {
                let error: String
                let code: String?
            }
            let code = (error as? any CodedError)?.codeIdentifier
            try? context.printJSON(ErrorReport(error: message, code: code))
        }
    }

    /// The usage line: `backline data import --vault PATH [--json] FILE`.
    static func usageLine(for command: any Command, path: [String]) -> String {
        var parts = path
        if !command.subcommands.isEmpty { parts.append("<command>") }
        for option in command.options {
            parts.append(option.valueName.map { "[--\(option.name) \($0)]" } ?? "[--\(option.name)]")
        }
        if command.reportsJSON && command.subcommands.isEmpty { parts.append("[--json]") }
        parts.append(contentsOf: command.positionals.map { "<\($0)>" })
        return parts.joined(separator: " ")
    }

    /// Full help for a command: abstract, usage, subcommands or options, discussion.
    public static func helpText(for command: any Command, path: [String]) -> String {
        var lines = ["\(path.joined(separator: " ")): \(command.abstract)", "", "USAGE: \(usageLine(for: command, path: path))"]
        if !command.subcommands.isEmpty {
            lines += ["", "COMMANDS:"]
            let width = command.subcommands.map(\.name.count).max() ?? 0
            for sub in command.subcommands {
                lines.append("  \(sub.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(sub.abstract)")
            }
            lines += ["", "See '\(path.joined(separator: " ")) <command> --help' for a command's options."]
        } else {
            var options = command.options
            if command.reportsJSON { options.append(.flag("json", "Print the result as JSON")) }
            options.append(.flag("help", "Show this help"))
            lines += ["", "OPTIONS:"]
            let labels = options.map { option in "--\(option.name)" + (option.valueName.map { " \($0)" } ?? "") }
            let width = labels.map(\.count).max() ?? 0
            for (label, option) in zip(labels, options) {
                lines.append("  \(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(option.help)")
            }
        }
        if !command.discussion.isEmpty { lines += ["", command.discussion] }
        return lines.joined(separator: "\n")
    }
}
