import BacklineCLI
import BacklineTestSupport
import Testing

@Suite struct CommandLineTests {
    @Test func helpListsCommandsAndExitsZero() throws {
        let result = try BuiltBinary.run(["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("USAGE: backline <command>"))
        #expect(result.standardOutput.contains("version"))
    }

    @Test func unknownCommandIsAUsageError() throws {
        let result = try BuiltBinary.run(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("unknown command 'frobnicate'"))
    }

    @Test func unknownOptionNamesIt() throws {
        let result = try BuiltBinary.run(["version", "--bogus"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("unknown option --bogus"))
    }

    @Test func versionReportsJSON() throws {
        let result = try BuiltBinary.run(["version", "--json"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "{\"version\":\"0.1.0\"}\n")
    }
}

/// Every command in the tree answers `--help` with its usage, through the built binary.
@Suite struct CommandHelpTests {
    /// Paths of every command under the root, e.g. ["data", "import"].
    static let commandPaths: [[String]] = {
        var paths: [[String]] = []
        func walk(_ command: any Command, _ path: [String]) {
            paths.append(path)
            for sub in command.subcommands { walk(sub, path + [sub.name]) }
        }
        for sub in RootCommand().subcommands { walk(sub, [sub.name]) }
        return paths
    }()

    @Test func theTreeHasTheCommandsOfEveryRole() {
        let names = Set(Self.commandPaths.map { $0.joined(separator: " ") })
        for expected in [
            "data import", "data rotate-key", "pki issue", "audit verify", "policy explain", "privacy plan",
            "aggregator serve", "model train", "match", "forecast", "analytics run", "simulate",
        ] {
            #expect(names.contains(expected), "missing command '\(expected)'")
        }
    }

    @Test(arguments: commandPaths)
    func everyCommandPrintsUsage(_ path: [String]) throws {
        let result = try BuiltBinary.run(path + ["--help"])
        #expect(result.status == 0, "\(path.joined(separator: " ")): \(result.standardError)")
        #expect(result.standardOutput.contains("USAGE: backline \(path.joined(separator: " "))"))
    }
}
