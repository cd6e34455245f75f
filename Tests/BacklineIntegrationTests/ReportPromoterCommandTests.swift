import BacklineTestSupport
import Foundation
import Testing

/// `backline report promoter` through the built binary.
@Suite(.serialized) struct ReportPromoterCommandTests {
    private func json(_ result: BuiltBinary.Result) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
    }

    @Test func fullReportHasSegmentsBehaviourAgainstTheFederationAndSpending() throws {
        let fixture = try ReportPromoterFixture.shared()
        let out = fixture.directory.file("full.html")
        let result = try fixture.run(out: out, ["--model", fixture.model, "--federation-stats", fixture.federationStats, "--k-max", "4"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try json(result)
        let details = report["details"] as? [String: Int] ?? [:]
        let segments = details["segments"] ?? 0
        #expect(segments >= 2 && segments <= 4)
        #expect(details["ledger_entries"] == 1)
        #expect(details["federation_cells"] == 1, "rock is published; pop is suppressed")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(
            html.range(
                of: "<td>no_show_by_genre</td><td>rock</td><td class=\"num\">[^<]+</td><td class=\"num\">0.1</td>",
                options: .regularExpression
            ) != nil
        )
        #expect(
            html.range(
                of: "<td>no_show_by_genre</td><td>pop</td><td class=\"num\">[^<]+</td><td class=\"num\">suppressed</td>",
                options: .regularExpression
            ) != nil
        )
        #expect(html.contains("Promoter report: promoter-&lt;0&gt;"), "the ledger's promoter name, escaped")
        #expect(html.components(separatedBy: "<tr><td>segment ").count - 1 == segments)
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"))
        let mode = (try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600, "exact local statistics are written owner-only")
    }

    @Test func analyticsReportWritesTheSameBehaviourReport() throws {
        let fixture = try ReportPromoterFixture.shared()
        let viaReport = fixture.directory.file("via-report.html")
        let viaAnalytics = fixture.directory.file("via-analytics.html")
        let first = try fixture.run(out: viaReport, [])
        let second = try fixture.run(out: viaAnalytics, [], command: ["analytics", "report"])
        #expect(first.status == 0 && second.status == 0, "\(second.standardError)")
        let counts = try json(second)
        let reference = try json(first)
        #expect(counts["charts"] as? Int == reference["charts"] as? Int)
        #expect((counts["details"] as? [String: Int])?["behaviour_rows"] == (reference["details"] as? [String: Int])?["behaviour_rows"])
        #expect((counts["details"] as? [String: Int])?["behaviour_rows"] ?? 0 > 10)
        let html = try String(contentsOfFile: viaAnalytics, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("<table"))
    }

    @Test func withoutModelOrFederationItStillReportsBehaviourAndSpending() throws {
        let fixture = try ReportPromoterFixture.shared()
        let out = fixture.directory.file("local.html")
        let result = try fixture.run(out: out, [])
        #expect(result.status == 0, "\(result.standardError)")
        let details = try json(result)["details"] as? [String: Int] ?? [:]
        #expect(details["segments"] == 0)
        #expect(details["federation_cells"] == 0)
        #expect((details["behaviour_rows"] ?? 0) > 10)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("No model file was given"))
        #expect(!html.contains("federation (noised)"), "no federation series without federation figures")
    }

    @Test func aWrongKeyIsRefusedAndWritesNothing() throws {
        let fixture = try ReportPromoterFixture.shared()
        let other = fixture.directory.file("other.kek")
        try ReportPromoterFixture.expectSuccess(["data", "keygen", "--out", other])
        let out = fixture.directory.file("wrong.html")
        let result = try BuiltBinary.run(["report", "promoter", "--vault", fixture.vault, "--key-file", other, "--out", out])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func malformedFederationStatsNameTheField() throws {
        let fixture = try ReportPromoterFixture.shared()
        let bad = fixture.directory.file("bad-stats.json")
        try "[{\"query\": {\"name\": \"q\"}, \"nodes\": 1, \"noise_std\": 1, \"cells\": []}]".write(
            toFile: bad,
            atomically: true,
            encoding: .utf8
        )
        let result = try fixture.run(out: fixture.directory.file("bad.html"), ["--federation-stats", bad])
        #expect(result.status == 1)
        #expect(result.standardError.contains("[0].query"), "\(result.standardError)")
    }
}
