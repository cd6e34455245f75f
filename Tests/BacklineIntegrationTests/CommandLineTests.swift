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
