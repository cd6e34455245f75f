import BacklineAudit
import BacklineReport
import Foundation
import Testing

@Suite struct AuditReportTests {
    static let verified = VerificationStatus(
        entries: 0,
        checkpointSize: nil,
        checkpointRoot: nil,
        savedSize: nil,
        firstBadIndex: nil,
        problems: []
    )

    private func entry(_ time: String, role: String, action: String, deny: Bool) throws -> AuditEntry {
        try AuditEntry(
            time: time,
            spiffeID: "spiffe://fed/\(role)/a",
            role: role,
            action: action,
            resource: "r",
            decision: deny ? .deny : .allow,
            ruleID: deny ? "D1" : "P1",
            policySHA256: String(repeating: "ab", count: 32),
            outcome: deny ? "denied" : "ok"
        )
    }

    private func activity(_ entries: [AuditEntry]) -> AuditActivity {
        var activity = AuditActivity()
        for entry in entries { activity.add(entry) }
        return activity
    }

    @Test func activityCountsByRoleAndAction() throws {
        let activity = activity([
            try entry("2026-12-01T10:00:00.000Z", role: "promoter", action: "submit_update", deny: false),
            try entry("2026-12-01T10:00:30.000Z", role: "promoter", action: "submit_update", deny: true),
            try entry("2026-12-02T11:00:00.000Z", role: "auditor", action: "read_update", deny: true),
        ])
        #expect(activity.total == 3 && activity.denied == 2)
        #expect(
            activity.byRoleAction["promoter"]?["submit_update"]
                == AuditActivity.Tally(allowed: 1, denied: 1, lastSeen: "2026-12-01T10:00:30.000Z")
        )
        #expect(activity.byRoleAction["auditor"]?["read_update"]?.denied == 1)
    }

    @Test func longLogsAreBucketedCoarselyAndAllRequestsStayCounted() throws {
        var entries: [AuditEntry] = []
        for i in 0..<500 {
            let day: Int = 1 + i / 100
            let hour: Int = (i / 5) % 24
            let minute: Int = i % 60
            let time = String(format: "2026-12-%02dT%02d:%02d:00.000Z", day, hour, minute)
            entries.append(try entry(time, role: i % 3 == 0 ? "auditor" : "promoter", action: "read_model", deny: i % 10 == 0))
        }
        let html = AuditReport(
            source: "test",
            generatedAt: "2026-12-03T00:00:00Z",
            verification: Self.verified,
            activity: activity(entries),
            spending: nil,
            budget: nil
        ).document.render()
        let overTime = html.components(separatedBy: "data-chart=\"requests-over-time\"")[1].components(separatedBy: "</figure>")[0]
        let regex = try NSRegularExpression(pattern: "<title>[^<]* · (auditor|promoter): ([0-9]+)</title>")
        var total = 0
        for match in regex.matches(in: overTime, range: NSRange(overTime.startIndex..., in: overTime)) {
            total += Int((overTime as NSString).substring(with: match.range(at: 2))) ?? 0
        }
        #expect(total == 500, "every request is in some bucket")
        #expect(overTime.contains("hour (UTC") || overTime.contains("day (UTC"))
        #expect(HTMLMarkup.count(overTime, tag: "rect", className: "mark") <= 2 * 40)
    }

    @Test func failedVerificationListsProblemsAndNoLedgerSaysSo() throws {
        let verification = VerificationStatus(
            entries: 3,
            checkpointSize: 3,
            checkpointRoot: "ab",
            savedSize: nil,
            firstBadIndex: nil,
            problems: ["entry 1: <b>leaf</b> mismatch"]
        )
        let document = AuditReport(
            source: "s",
            generatedAt: "g",
            verification: verification,
            activity: activity([try entry("2026-12-01T10:00:00.000Z", role: "<script>", action: "x", deny: true)]),
            spending: nil,
            budget: 1
        ).document
        let html = document.render()
        #expect(html.contains("data-status=\"failed\""))
        #expect(html.contains("entry 1: &lt;b&gt;leaf&lt;/b&gt; mismatch"))
        #expect(html.contains("No privacy ledger was available"))
        #expect(!html.contains("<script>"))
        #expect(document.counts.charts == 3)
    }

    @Test func spendingIsDrawnAgainstTheBudget() throws {
        let spending = [
            PromoterSpending.from([
                LedgerLine(
                    id: 1,
                    promoter: "p1",
                    round: 1,
                    query: nil,
                    mechanism: "gaussian",
                    parameters: "{\"noise_multiplier\":0.8}",
                    epsilon: 5,
                    delta: 1e-5,
                    recordedAt: "t"
                )
            ])
        ]
        .flatMap { $0 }
        let html = AuditReport(
            source: "s",
            generatedAt: "g",
            verification: Self.verified,
            activity: AuditActivity(),
            spending: spending,
            budget: 2
        ).document.render()
        #expect(HTMLMarkup.count(html, tag: "line", className: "limit") == 1)
        #expect(html.contains("Over budget: p1."))
        #expect(html.contains("data-status=\"verified\""), "no problems means verified")
    }
}
