import BacklineCore

/// What became of a submitted update.
public enum UpdateStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Stored and acknowledged; waiting for aggregation.
    case accepted
    /// Counted in the round's aggregate.
    case aggregated
    /// Rejected after storage (e.g. by a robust aggregator); kept for the audit trail.
    case rejected

    static func parse(_ text: String) throws -> UpdateStatus {
        guard let status = UpdateStatus(rawValue: text) else {
            throw StoreError.invalidInput("updates.status", "unknown status \"\(text)\"")
        }
        return status
    }
}
