import BacklineCore
import BacklinePrivacy
import BacklineReport
import Foundation
import Testing

@Suite struct PromoterSpendingTests {
    private func line(_ promoter: String, sigma: Double?, epsilon: Double, delta: Double = 1e-5) -> LedgerLine {
        LedgerLine(
            id: 1,
            promoter: promoter,
            round: 1,
            query: nil,
            mechanism: "gaussian",
            parameters: sigma.map { "{\"clip_norm\":1,\"noise_multiplier\":\($0),\"sampling_rate\":1,\"steps\":1}" } ?? "not json",
            epsilon: epsilon,
            delta: delta,
            recordedAt: "2026-12-03T12:00:00Z"
        )
    }

    @Test func readableParametersAreComposedByRDP() throws {
        let single = try RDPAccountant.loss(of: MechanismParameters(noiseMultiplier: 5), delta: 1e-5).epsilon
        let lines = (0..<10).map { _ in line("p1", sigma: 5, epsilon: single) }
        var accountant = RDPAccountant()
        for _ in 0..<10 { try accountant.compose(MechanismParameters(noiseMultiplier: 5)) }
        let expected = try accountant.loss(delta: 1e-5).epsilon
        let spending = try #require(PromoterSpending.from(lines).first)
        #expect(spending.composedByRDP)
        #expect(abs(spending.epsilon - expected) < 1e-9)
        #expect(spending.epsilon < 10 * single, "RDP composition is tighter than adding ε")
        #expect(spending.releases == 10 && spending.delta == 1e-5)
    }

    @Test func unreadableParametersFallBackToBasicComposition() throws {
        let spending = PromoterSpending.from([line("p2", sigma: 2, epsilon: 0.5), line("p2", sigma: nil, epsilon: 0.25, delta: 1e-6)])
        #expect(spending.count == 1)
        #expect(spending[0].composedByRDP == false)
        #expect(spending[0].epsilon == 0.75)
        #expect(abs(spending[0].delta - (1e-5 + 1e-6)) < 1e-15)
    }

    @Test func promotersAreSeparatedAndSorted() {
        let spending = PromoterSpending.from([
            line("zeta", sigma: 3, epsilon: 1), line("alpha", sigma: 3, epsilon: 1), line("zeta", sigma: 3, epsilon: 1),
        ])
        #expect(spending.map(\.promoter) == ["alpha", "zeta"])
        #expect(spending.map(\.releases) == [1, 2])
        #expect(spending[0].epsilon < spending[1].epsilon)
    }

    @Test func ledgerDocumentsAreDecodedStrictly() throws {
        let good =
            "[{\"id\":1,\"promoter\":\"p1\",\"round\":3,\"query\":null,\"mechanism\":\"gaussian\",\"parameters\":\"{}\",\"epsilon\":0.5,\"delta\":1e-5,\"recorded_at\":\"2026-12-03T12:00:00Z\"}]"
        #expect(try LedgerLine.load(Array(good.utf8), document: "l.json").first?.round == 3)
        for (text, field) in [
            (good.replacingOccurrences(of: "\"round\":3", with: "\"round\":3,\"payload\":\"x\""), "[0].payload"),
            (good.replacingOccurrences(of: "\"epsilon\":0.5", with: "\"epsilon\":-0.5"), "[0].epsilon"),
            (good.replacingOccurrences(of: "\"delta\":1e-5", with: "\"delta\":1"), "[0].delta"),
            (good.replacingOccurrences(of: "\"promoter\":\"p1\",", with: ""), "[0].promoter"),
        ] {
            do {
                _ = try LedgerLine.load(Array(text.utf8), document: "l.json")
                Issue.record("accepted a ledger with a bad \(field)")
            } catch let error as ReportError {
                #expect(error.reason.contains("l.json: \(field)"), "\(error.reason)")
            }
        }
    }
}
