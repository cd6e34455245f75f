import BacklineCore
import BacklinePrivacy
import Foundation
import Testing

/// A persistence double: keeps what was stored, or fails on demand.
private final class RecordingPersistence: PrivacyLedgerPersistence {
    var stored: [Data] = []
    var failing = false
    struct DiskFull: Error {}
    func storeLedger(_ encoded: Data, promoter: String) throws {
        if failing { throw DiskFull() }
        stored.append(encoded)
    }
}

@Suite struct PrivacyLedgerTests {
    private let round = MechanismParameters(noiseMultiplier: 1.1, samplingRate: 0.01, steps: 20, sensitivity: 1)

    private func ledger(epsilon: Double = 2) throws -> PrivacyLedger {
        PrivacyLedger(promoter: "p1", budget: try PrivacyBudget(epsilon: epsilon, delta: 1e-5))
    }

    /// SECURITY-TESTS 70: a release that would exceed the budget is refused, nothing is computed,
    /// and the ledger is unchanged.
    @Test func releaseOverBudgetIsRefusedBeforeComputingAndLedgerUnchanged() throws {
        var ledger = try ledger()
        let persistence = RecordingPersistence()
        var charged = 0
        while ledger.remainingEpsilon > 0 {
            let before = ledger
            var computed = false
            do {
                try ledger.spend(.trainingRound, label: "round \(charged)", parameters: round, persistence: persistence) { computed = true }
                charged += 1
                #expect(computed)
            } catch let error as PrivacyError {
                #expect(error.code == .budgetExceeded)
                #expect(error.reason.contains("p1"))
                #expect(!computed, "the release was computed although it was refused")
                #expect(ledger == before)
                #expect(persistence.stored.count == charged)
                break
            }
        }
        #expect(charged > 0)
        #expect(ledger.spent.epsilon <= 2)
        #expect(ledger.entries.count == charged)
        // One more attempt is still refused: the refusal is stable.
        #expect(throws: PrivacyError(code: .budgetExceeded, reason: "")) {
            try ledger.charge(.analyticsQuery, label: "q", parameters: round)
        }
    }

    /// SECURITY-TESTS 70: after a restart the restored ledger gives the same cumulative ε.
    @Test func restoredLedgerGivesTheSameEpsilon() throws {
        var ledger = try ledger(epsilon: 10)
        try ledger.charge(.trainingRound, label: "round 1", parameters: round)
        try ledger.charge(
            .analyticsQuery,
            label: "histogram",
            parameters: MechanismParameters(noiseMultiplier: 5, sensitivity: 3)
        )
        try ledger.charge(.trainingRound, label: "round 2", parameters: round)
        let restored = try PrivacyLedger.decode(ledger.encoded())
        #expect(restored.spent == ledger.spent)
        #expect(restored.entries == ledger.entries)
        #expect(restored.budget == ledger.budget)
        #expect(restored.promoter == "p1")
        let text = String(decoding: try ledger.encoded(), as: UTF8.self)
        #expect(text.contains("\"version\":1"))
    }

    @Test func persistenceFailureRefusesTheReleaseAndChangesNothing() throws {
        var ledger = try ledger()
        let before = ledger
        let persistence = RecordingPersistence()
        persistence.failing = true
        var computed = false
        #expect(throws: PrivacyError(code: .persistenceFailed, reason: "")) {
            try ledger.spend(.trainingRound, label: "r", parameters: round, persistence: persistence) {
                computed = true
            }
        }
        #expect(!computed && ledger == before)
    }

    @Test func ledgerIsPersistedBeforeTheReleaseIsComputed() throws {
        var ledger = try ledger()
        let persistence = RecordingPersistence()
        try ledger.spend(.trainingRound, label: "r", parameters: round, persistence: persistence) { () throws in
            #expect(persistence.stored.count == 1)
            #expect(try PrivacyLedger.decode(persistence.stored[0]).entries.count == 1)
        }
    }

    @Test(arguments: [
        ("\"cumulativeEpsilon\":", "\"cumulativeEpsilon\":0.0001,\"x\":"),  // Understated ε.
        ("\"noiseMultiplier\":1.1", "\"noiseMultiplier\":11"),  // Parameters changed after the fact.
        ("\"version\":1", "\"version\":2"),
        ("\"noiseMultiplier\":1.1", "\"noiseMultiplier\":-1"),
        ("\"epsilon\":2", "\"epsilon\":-2"),
        ("{", "["),
        ("\"training_round\"", "\"Training Round\""),
    ])
    func tamperedOrUnknownLedgerIsRejected(_ edit: (String, String)) throws {
        var ledger = try ledger()
        try ledger.charge(.trainingRound, label: "r", parameters: round)
        let text = String(decoding: try ledger.encoded(), as: UTF8.self)
        let edited = text.replacingOccurrences(of: edit.0, with: edit.1)
        #expect(edited != text)
        #expect(throws: PrivacyError(code: .invalidLedger, reason: "")) { try PrivacyLedger.decode(Data(edited.utf8)) }
    }

    @Test func invalidReleaseParametersAreRefusedWithoutCharging() throws {
        var ledger = try ledger()
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) {
            try ledger.charge(.trainingRound, label: "r", parameters: MechanismParameters(noiseMultiplier: 0))
        }
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) {
            try ledger.charge(ReleaseKind("Bad Kind"), label: "r", parameters: round)
        }
        #expect(ledger.entries.isEmpty && ledger.spent.epsilon == 0)
    }
}
