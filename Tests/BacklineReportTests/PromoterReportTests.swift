import BacklineAnalytics
import BacklinePrivacy
import BacklineReport
import Foundation
import Testing

@Suite struct PromoterReportTests {
    static let query =
        "{\"name\":\"no_show_by_genre\",\"measure\":\"no_show\",\"segment\":\"artist_genre\",\"clamp\":[0,1],\"max_cells_per_member\":3}"

    private func exact() throws -> ExactHistogram {
        let json = """
            {"query": \(Self.query), "cells": [
              {"label": "rock", "members": 10, "events": 20, "sum": 4, "member_mean_sum": 2, "member_clamped_mean_sum": 2},
              {"label": "pop", "members": 4, "events": 4, "sum": 1, "member_mean_sum": 1, "member_clamped_mean_sum": 1},
              {"label": "jazz", "members": 0, "events": 0, "sum": 0, "member_mean_sum": 0, "member_clamped_mean_sum": 0}]}
            """
        return try JSONDecoder().decode(ExactHistogram.self, from: Data(json.utf8))
    }

    private func noised() throws -> NoisedHistogram {
        let json = """
            {"query": \(Self.query), "nodes": 3, "noise_std": 2,
             "cells": [{"label": "rock", "count": 900, "normalised_sum": -720}, {"label": "pop", "count": 1.5, "normalised_sum": 0}]}
            """
        return try JSONDecoder().decode(NoisedHistogram.self, from: Data(json.utf8))
    }

    @Test func behaviourPairsExactCellsWithPublishedOnes() throws {
        let comparison = BehaviourComparison(exact: [try exact()], federation: [try noised()])
        #expect(comparison.rows.map(\.segment) == ["rock", "pop"], "empty cells are left out")
        #expect(comparison.rows[0].local == 0.2)
        #expect(abs((comparison.rows[0].federation ?? -1) - 0.1) < 1e-12)
        #expect(comparison.rows[1].suppressed && comparison.rows[1].federation == nil)
        let html = comparison.section.node.rendered
        #expect(HTMLMarkup.count(html, tag: "rect", className: "mark") == 3, "two local bars and one federation bar")
    }

    @Test func reportWithoutModelOrLedgerExplainsWhatIsMissing() throws {
        let report = PromoterReport(
            promoter: "p<1>",
            generatedAt: "g",
            ledger: nil,
            model: nil,
            segments: nil,
            behaviour: BehaviourComparison(exact: [try exact()], federation: []),
            federationGiven: false
        )
        let document = report.document
        let html = document.render()
        #expect(html.contains("Promoter report: p&lt;1&gt;"))
        #expect(html.contains("No model file was given"))
        #expect(html.contains("holds no privacy ledger"))
        #expect(!html.contains("federation (noised)"))
        #expect(document.counts == ReportCounts(charts: 1, marks: 2, tables: 1))
    }

    @Test func ledgerChartHasAPointPerReleaseAndTheBudget() throws {
        var ledger = PrivacyLedger(promoter: "p1", budget: try PrivacyBudget(epsilon: 8, delta: 1e-5))
        for label in ["q1", "q2", "q3"] {
            try ledger.charge(.analyticsQuery, label: label, parameters: MechanismParameters(noiseMultiplier: 2))
        }
        let html = PromoterReport(
            promoter: "p1",
            generatedAt: "g",
            ledger: ledger,
            model: nil,
            segments: nil,
            behaviour: BehaviourComparison(rows: []),
            federationGiven: false
        ).document.render()
        let chart = html.components(separatedBy: "data-chart=\"ledger\"")[1].components(separatedBy: "</figure>")[0]
        #expect(HTMLMarkup.count(chart, tag: "circle", className: "mark") == 3 + 2)
        #expect(html.contains("<td>q3</td>"))
        #expect(html.contains("of 8 (δ = 1e-05)"))
    }
}
