import BacklineCore
import BacklineStore
import Foundation

/// Test values: whole-second times (the store keeps milliseconds) and valid records.
enum StoreSamples {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func time(_ seconds: Int) -> Date { start.addingTimeInterval(Double(seconds)) }

    static func round(_ id: Int64, minClients: Int64 = 2, deadlineSeconds: Int = 3600) -> RoundRecord {
        RoundRecord(
            id: id,
            minClients: minClients,
            deadline: time(deadlineSeconds),
            parametersJSON: #"{"clip":1.0,"noise_multiplier":1.1}"#,
            createdAt: time(0)
        )
    }

    /// A 32-byte stand-in digest derived from `payload` (the store only checks its length and
    /// compares it; the caller computes the real SHA-256).
    static func digest(of payload: [UInt8]) -> [UInt8] {
        var hasher = (0..<32).map { UInt8($0) }
        for (index, byte) in payload.enumerated() { hasher[index % 32] = hasher[index % 32] &* 31 &+ byte }
        return hasher
    }

    static func submission(round: Int64, promoter: String, payload: [UInt8], at seconds: Int = 10) -> UpdateSubmission {
        UpdateSubmission(
            round: round,
            promoterID: promoter,
            payload: payload,
            digest: digest(of: payload),
            norm: 0.75,
            sampleCount: 120,
            receivedAt: time(seconds)
        )
    }

    static func auditEntry(
        _ index: Int64,
        actor: String = "spiffe://backline/promoter/p1",
        action: String = "submit_update",
        round: Int64? = 1
    ) -> AuditEntryRecord {
        let entry = Array(#"{"i":\#(index),"a":"\#(action)"}"#.utf8)
        return AuditEntryRecord(
            index: index,
            entry: entry,
            leafHash: digest(of: entry),
            loggedAt: time(Int(index)),
            actor: actor,
            action: action,
            decision: "allow",
            round: round
        )
    }
}
