import BacklineCore

/// The tables of the federation schema. PostgreSQL keeps the audit tables in their own schema
/// `audit` (so grants can name it); SQLite, which has one schema per file, prefixes them.
public enum StoreTable: String, Sendable, CaseIterable {
    /// Rounds and their state.
    case rounds
    /// Submitted updates.
    case updates
    /// Model versions.
    case models
    /// Privacy-ledger entries as seen by the aggregator.
    case privacyLedger = "privacy_ledger"
    /// The audit log (insert-only).
    case auditLog = "log"
    /// Signed checkpoints of the audit log (insert-only).
    case auditCheckpoints = "checkpoints"
    /// Known identities (certificates seen).
    case identities
    /// Revoked certificates.
    case revocations
    /// Federated analytics queries (schema version 3).
    case analyticsQueries = "analytics_queries"
    /// Noised histograms submitted to analytics queries (schema version 3).
    case analyticsHistograms = "analytics_histograms"
    /// The server optimizer's state per model version (schema version 4).
    case optimizerStates = "optimizer_states"
    /// Applied schema versions.
    case schemaVersion = "schema_version"

    /// True for the insert-only audit tables.
    public var isAudit: Bool { self == .auditLog || self == .auditCheckpoints }

    /// The table's name as written in SQL for `dialect`.
    public func name(for dialect: SQLDialect) -> String {
        guard isAudit else { return rawValue }
        switch dialect {
        case .postgres: return "audit." + rawValue
        case .sqlite: return "audit_" + rawValue
        }
    }
}
