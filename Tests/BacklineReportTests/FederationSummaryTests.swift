import BacklineCore
import BacklineReport
import Foundation
import Testing

@Suite struct FederationSummaryTests {
    private func failure(_ change: (inout [String: Any]) -> Void) throws -> ReportError? {
        var json = FederationReportTests.summaryJSON()
        change(&json)
        do {
            _ = try FederationSummary.load(FederationReportTests.bytes(json), document: "summary.json")
            return nil
        } catch let error as ReportError {
            return error
        }
    }

    private func expectFailure(_ code: ReportError.Code, naming field: String, _ change: (inout [String: Any]) -> Void) throws {
        let error = try failure(change)
        #expect(error?.code == code)
        #expect(error?.reason.contains("summary.json: \(field)") == true, "\(String(describing: error))")
    }

    @Test func decodesTheDocumentedSchema() throws {
        let summary = try FederationSummary.load(
            FederationReportTests.bytes(FederationReportTests.summaryJSON(promoters: 2, rounds: 3)),
            document: "s"
        )
        #expect(summary.rounds.count == 3)
        #expect(summary.rounds[1].validationNDCGAt10 == nil)
        #expect(summary.rounds[2].epsilonSpent["promoter-1"] == 0.6000000000000001 || summary.rounds[2].epsilonSpent["promoter-1"] == 0.6)
        #expect(summary.quality[0].pooled == nil && summary.quality[1].pooled == 0.3)
        #expect(summary.audit.treeSize == 42)
        #expect(summary.matchExample?.members.count == 2)
        #expect(summary.behaviour?.filter(\.suppressed).count == 1)
    }

    @Test func optionalSectionsMayBeLeftOut() throws {
        var json = FederationReportTests.summaryJSON()
        json["match_example"] = nil
        json["behaviour"] = nil
        let summary = try FederationSummary.load(FederationReportTests.bytes(json), document: "s")
        #expect(summary.matchExample == nil && summary.behaviour == nil)
    }

    @Test func missingFieldIsNamed() throws {
        try expectFailure(.invalidInput, naming: "budgets[1].epsilon_budget") { json in
            var budgets = json["budgets"] as! [[String: Any]]
            budgets[1]["epsilon_budget"] = nil
            json["budgets"] = budgets
        }
        try expectFailure(.invalidInput, naming: "audit") { $0["audit"] = nil }
    }

    @Test func unknownFieldIsNamed() throws {
        try expectFailure(.invalidInput, naming: "rounds[0].validation_ndcg") { json in
            var rounds = json["rounds"] as! [[String: Any]]
            rounds[0]["validation_ndcg"] = 0.3
            json["rounds"] = rounds
        }
        try expectFailure(.invalidInput, naming: "titel") { $0["titel"] = "typo" }
    }

    @Test func wrongTypeIsNamed() throws {
        try expectFailure(.invalidInput, naming: "rounds") { $0["rounds"] = "many" }
        try expectFailure(.invalidInput, naming: "audit.verified") { json in
            var audit = json["audit"] as! [String: Any]
            audit["verified"] = "yes"
            json["audit"] = audit
        }
    }

    @Test func valuesOutOfRangeAreRefused() throws {
        try expectFailure(.invalidValue, naming: "quality[0].federated") { json in
            var quality = json["quality"] as! [[String: Any]]
            quality[0]["federated"] = 1.5
            json["quality"] = quality
        }
        try expectFailure(.invalidValue, naming: "rounds[1].contributions") { json in
            var rounds = json["rounds"] as! [[String: Any]]
            rounds[1]["contributions"] = -1
            json["rounds"] = rounds
        }
        try expectFailure(.invalidValue, naming: "rounds[1].round") { json in
            var rounds = json["rounds"] as! [[String: Any]]
            rounds[1]["round"] = 1
            json["rounds"] = rounds
        }
        try expectFailure(.invalidValue, naming: "budgets[0].delta") { json in
            var budgets = json["budgets"] as! [[String: Any]]
            budgets[0]["delta"] = 1.0
            json["budgets"] = budgets
        }
        try expectFailure(.invalidValue, naming: "generated_at") { $0["generated_at"] = "yesterday" }
        try expectFailure(.invalidValue, naming: "title") { $0["title"] = "   " }
    }

    @Test func notJSONIsAnInputError() throws {
        #expect(throws: ReportError.self) { try FederationSummary.load(Array("{\"title\": ".utf8), document: "s") }
        #expect(throws: ReportError.self) { try FederationSummary.load(Array("[]".utf8), document: "s") }
    }
}
