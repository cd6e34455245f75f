import BacklineCore
import Foundation

/// Everything an ``InMemoryFederationStore`` holds; a value, so a transaction works on a copy
/// and commits by storing it back.
struct InMemoryState {
    struct UpdateKey: Hashable {
        var round: Int64
        var promoterID: String
    }

    var rounds: [Int64: RoundRecord] = [:]
    var claims: [Int64: String] = [:]
    var updates: [UpdateKey: UpdateRecord] = [:]
    var models: [Int64: ModelVersionRecord] = [:]
    var optimizerStates: [Int64: [UInt8]] = [:]
    var ledger: [LedgerEntryRecord] = []
    var audit: [AuditEntryRecord] = []
    var checkpoints: [Int64: CheckpointRecord] = [:]
    var identities: [String: IdentityRecord] = [:]
    var revocations: [String: RevocationRecord] = [:]
    var analyticsQueries: [Int64: AnalyticsQueryRecord] = [:]
    var analyticsHistograms: [UpdateKey: AnalyticsHistogramRecord] = [:]
}

extension Date {
    /// The date as the SQL backends store it (millisecond precision), so every backend returns
    /// the same values.
    var atStoredPrecision: Date { Date(storedMillis: storedMillis) }
}
