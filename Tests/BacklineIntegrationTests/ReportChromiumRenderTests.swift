import BacklineTestSupport
import Foundation
import Testing

/// Reports rendered by headless Chromium: the page loads without errors, the screenshot is a real
/// image, and the DOM after load has every chart mark the input calls for.
@Suite struct ReportChromiumRenderTests {
    @Test func federationReportRendersInChromium() throws {
        guard let browser = ReportChromium.path else {
            Issue.record("chromium is not installed (make deps installs Debian's chromium package)")
            return
        }
        let directory = try TemporaryDirectory(prefix: "backline-chromium")
        let fixture = ReportSummaryFixture(promoters: 4, rounds: 6)
        try fixture.write(to: directory.file("summary.json"))
        let html = directory.file("report.html")
        let made = try BuiltBinary.run(["report", "federation", "--input", directory.file("summary.json"), "--out", html])
        #expect(made.status == 0, "\(made.standardError)")
        try FileManager.default.createDirectory(atPath: directory.file("profile"), withIntermediateDirectories: true)

        let screenshot = directory.file("federation-report.png")
        let shot = try ReportChromium.run(browser, file: html, profile: directory.file("profile"), ["--screenshot=\(screenshot)"])
        #expect(shot.status == 0, "\(shot.errors)")
        #expect(ReportChromium.pageErrors(shot.errors).isEmpty, "\(ReportChromium.pageErrors(shot.errors))")
        let png = Array((try? Data(contentsOf: URL(fileURLWithPath: screenshot))) ?? Data())
        let size = ReportChromium.pngSize(png)
        #expect(size?.width == 1200 && size?.height == 2400, "screenshot size \(String(describing: size))")
        #expect(png.count > 40_000, "a rendered report with charts is not a near-blank image (\(png.count) bytes)")

        let dump = try ReportChromium.run(browser, file: html, profile: directory.file("profile"), ["--dump-dom"])
        #expect(dump.status == 0, "\(dump.errors)")
        #expect(ReportChromium.pageErrors(dump.errors).isEmpty, "\(ReportChromium.pageErrors(dump.errors))")
        #expect(!dump.output.contains("ERR_"))
        #expect(dump.output.contains("<h1>Backline demo &lt;b&gt;federation&lt;/b&gt;</h1>"), "the page loaded and text stayed text")
        #expect(ReportChromium.markCount(dump.output) == fixture.expectedMarks)
        #expect(dump.output.components(separatedBy: "data-chart=\"").count - 1 == 5)
        #expect(dump.output.components(separatedBy: "class=\"limit\"").count - 1 == fixture.promoters)
    }

    /// Renders `html` and checks the page loaded cleanly with `charts` charts and `marks` marks.
    private func expectRenders(_ html: String, charts: Int, marks: Int, in directory: TemporaryDirectory) throws {
        guard let browser = ReportChromium.path else {
            Issue.record("chromium is not installed (make deps installs Debian's chromium package)")
            return
        }
        try FileManager.default.createDirectory(atPath: directory.file("profile"), withIntermediateDirectories: true)
        let screenshot = directory.file("report.png")
        let shot = try ReportChromium.run(browser, file: html, profile: directory.file("profile"), ["--screenshot=\(screenshot)"])
        #expect(shot.status == 0 && ReportChromium.pageErrors(shot.errors).isEmpty, "\(shot.errors)")
        let png = Array((try? Data(contentsOf: URL(fileURLWithPath: screenshot))) ?? Data())
        #expect(ReportChromium.pngSize(png) != nil && png.count > 40_000, "\(png.count) bytes")
        let dump = try ReportChromium.run(browser, file: html, profile: directory.file("profile"), ["--dump-dom"])
        #expect(dump.status == 0 && ReportChromium.pageErrors(dump.errors).isEmpty, "\(dump.errors)")
        #expect(dump.output.components(separatedBy: "data-chart=\"").count - 1 == charts)
        #expect(ReportChromium.markCount(dump.output) == marks)
    }

    @Test func auditReportRendersInChromium() throws {
        let fixture = try ReportAuditCommandTests.Fixture()
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.standardError)")
        try expectRenders(fixture.directory.file("audit.html"), charts: 4, marks: fixture.expectedMarks, in: fixture.directory)
    }

    @Test func promoterReportRendersInChromium() throws {
        let fixture = try ReportPromoterFixture.shared()
        let directory = try TemporaryDirectory(prefix: "backline-chromium-promoter")
        let out = directory.file("promoter.html")
        let result = try fixture.run(out: out, ["--model", fixture.model, "--federation-stats", fixture.federationStats])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
        let marks = report["marks"] as? Int ?? -1
        #expect(marks > 20)
        // Two segment charts, one behaviour chart per built-in query (11), and the ledger.
        try expectRenders(out, charts: 14, marks: marks, in: directory)
    }
}
