import BacklineReport
import Foundation
import Testing

@Suite struct FederationReportTests {
    /// A summary with `promoters` promoters and `rounds` rounds, as the demo writes it.
    static func summaryJSON(promoters: Int = 3, rounds: Int = 4, name: String = "promoter", behaviour: Bool = true) -> [String: Any] {
        let names = (0..<promoters).map { "\(name)-\($0)" }
        var json: [String: Any] = [
            "title": "Backline demo", "federation": "fed.example", "generated_at": "2026-12-03T16:00:00Z",
            "rounds": (1...rounds).map { round in
                [
                    "round": round, "contributions": promoters, "validation_ndcg_at_10": round == 2 ? NSNull() : 0.2 + Double(round) / 100,
                    "epsilon_spent": Dictionary(uniqueKeysWithValues: names.map { ($0, Double(round) * 0.2) }),
                ] as [String: Any]
            },
            "quality": names.enumerated().map {
                ["promoter": $0.element, "alone": 0.1, "federated": 0.2, "pooled": $0.offset == 0 ? NSNull() : 0.3] as [String: Any]
            },
            "budgets": names.map { ["promoter": $0, "epsilon_spent": 0.8, "epsilon_budget": 1.0, "delta": 1e-6] as [String: Any] },
            "audit": ["verified": true, "entries": 42, "tree_size": 42, "root_hash": "q83vEjRWeJA=", "denials": 2, "message": "verified"]
                as [String: Any],
            "match_example": [
                "show": "1000038", "members": [["member": "10004084", "score": 0.93], ["member": "10004085", "score": 0.9]],
            ] as [String: Any],
        ]
        if behaviour {
            json["behaviour"] =
                [
                    ["measure": "no_show_rate", "segment": "age_band=18-24", "local": 0.12, "federation": 0.1, "suppressed": false],
                    ["measure": "no_show_rate", "segment": "age_band=65+", "local": 0.3, "federation": NSNull(), "suppressed": true],
                    ["measure": "merch_spend", "segment": "weekday=sat", "local": 21.5, "federation": 19.0, "suppressed": false],
                ] as [[String: Any]]
        }
        return json
    }

    static func bytes(_ json: [String: Any]) throws -> [UInt8] { Array(try JSONSerialization.data(withJSONObject: json)) }

    @Test func marksMatchTheSummary() throws {
        let summary = try FederationSummary.load(Self.bytes(Self.summaryJSON(promoters: 3, rounds: 4)), document: "s.json")
        let document = FederationReport(summary: summary).document
        let html = document.render()
        // NDCG: 3 evaluated rounds; ε: 3 promoters × 4 rounds; budget bars 3; quality 3 + 3 + 2 pooled; behaviour 3 local + 2 federation.
        #expect(HTMLMarkup.count(html, tag: "circle", className: "mark") == 3 + 12)
        #expect(HTMLMarkup.count(html, tag: "rect", className: "mark") == 3 + 8 + 5)
        #expect(HTMLMarkup.count(html, tag: "line", className: "limit") == 3)
        #expect(document.counts == ReportCounts(charts: 6, marks: 31, tables: 6), "one behaviour chart per measure (two here)")
        for id in ["ndcg", "epsilon-rounds", "epsilon-budget", "quality", "behaviour-1", "behaviour-2"] {
            #expect(HTMLMarkup.occurrences("data-chart=\"\(id)\"", in: html) == 1, "chart \(id)")
        }
    }

    @Test func documentIsSelfContained() throws {
        let summary = try FederationSummary.load(Self.bytes(Self.summaryJSON()), document: "s.json")
        let html = FederationReport(summary: summary).document.render()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(!HTMLMarkup.hasActiveOrRemoteContent(html))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(HTMLMarkup.occurrences("<style>", in: html) == 1)
    }

    @Test func behaviourSectionOnlyWhenPresent() throws {
        let summary = try FederationSummary.load(Self.bytes(Self.summaryJSON(behaviour: false)), document: "s.json")
        let document = FederationReport(summary: summary).document
        #expect(!document.render().contains("data-chart=\"behaviour"))
        #expect(document.counts.charts == 4)
    }

    @Test func hostileNamesAreEscapedEverywhere() throws {
        var json = Self.summaryJSON(name: "<script>alert(1)</script>")
        json["title"] = "<img src=x onerror=alert(1)>"
        json["federation"] = "\"><script>"
        let html = FederationReport(summary: try FederationSummary.load(Self.bytes(json), document: "s.json")).document.render()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!HTMLMarkup.hasActiveOrRemoteContent(html))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;-0"))
    }

    @Test func overspendIsFlagged() throws {
        var json = Self.summaryJSON(promoters: 2)
        json["budgets"] = [["promoter": "promoter-0", "epsilon_spent": 1.5, "epsilon_budget": 1.0, "delta": 1e-6]]
        let html = FederationReport(summary: try FederationSummary.load(Self.bytes(json), document: "s.json")).document.render()
        #expect(html.contains("OVER BUDGET"))
        #expect(html.contains("Over budget: promoter-0."))
    }

    @Test func failedVerificationIsShown() throws {
        var json = Self.summaryJSON()
        json["audit"] = ["verified": false, "entries": 3, "message": "entry 2: leaf hash mismatch"]
        let html = FederationReport(summary: try FederationSummary.load(Self.bytes(json), document: "s.json")).document.render()
        #expect(html.contains("data-status=\"failed\""))
        #expect(html.contains("entry 2: leaf hash mismatch"))
    }
}
