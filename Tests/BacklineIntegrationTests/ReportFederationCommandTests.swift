import BacklineTestSupport
import Foundation
import Testing

/// `backline report federation` through the built binary.
@Suite struct ReportFederationCommandTests {
    @Test func writesTheReportAndReportsItsCounts() throws {
        let directory = try TemporaryDirectory()
        let fixture = ReportSummaryFixture(promoters: 3, rounds: 5)
        try fixture.write(to: directory.file("summary.json"))
        let out = directory.file("report.html")
        let result = try BuiltBinary.run(["report", "federation", "--input", directory.file("summary.json"), "--out", out, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
        #expect(report["path"] as? String == out)
        #expect(report["charts"] as? Int == 5, "four charts and one behaviour measure")
        #expect(report["marks"] as? Int == fixture.expectedMarks)
        #expect((report["details"] as? [String: Int])?["rounds"] == 5)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("Backline demo &lt;b&gt;federation&lt;/b&gt;"))
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"))
        #expect(FileManager.default.fileExists(atPath: out))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "the atomic writer leaves no temporary file")
    }

    @Test func humanOutputIsThePath() throws {
        let directory = try TemporaryDirectory()
        try ReportSummaryFixture(promoters: 2, rounds: 2).write(to: directory.file("s.json"))
        let result = try BuiltBinary.run(["report", "federation", "--input", directory.file("s.json"), "--out", directory.file("r.html")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == directory.file("r.html") + "\n")
    }

    @Test func aSchemaErrorNamesTheFieldAndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        var json = ReportSummaryFixture(promoters: 2, rounds: 2).json
        json["budgets"] = [["promoter": "p", "epsilon_spent": 0.5, "epsilon_budget": 1.0]]
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: directory.file("bad.json")))
        let result = try BuiltBinary.run([
            "report", "federation", "--input", directory.file("bad.json"), "--out", directory.file("r.html"), "--json",
        ])
        #expect(result.status == 1)
        #expect(result.standardError.contains("budgets[0].delta"), "\(result.standardError)")
        #expect(result.standardOutput.contains("\"code\":\"invalid_input\""))
        #expect(!FileManager.default.fileExists(atPath: directory.file("r.html")))
    }

    @Test func missingOptionsAreUsageErrors() throws {
        let directory = try TemporaryDirectory()
        #expect(try BuiltBinary.run(["report", "federation", "--out", directory.file("r.html")]).status == 64)
        let absent = try BuiltBinary.run([
            "report", "federation", "--input", directory.file("absent.json"), "--out", directory.file("r.html"),
        ])
        #expect(absent.status == 64)
        #expect(absent.standardError.contains("absent.json"))
    }
}
