public import BacklineCore

/// Errors of the store module.
public enum StoreErrorDomain: ErrorDomain { public static let name = "store" }
/// The store module's error.
public typealias StoreError = BacklineError<StoreErrorDomain>

extension BacklineError<StoreErrorDomain>.Code {
    /// A value handed to the store is out of range, non-finite, mis-sized or badly encoded.
    public static let invalidInput = Self("invalid_input")
    /// The row asked for does not exist.
    public static let notFound = Self("not_found")
    /// A row with the same key but different content exists (e.g. different update bytes).
    public static let conflict = Self("conflict")
    /// The round no longer accepts updates.
    public static let roundClosed = Self("round_closed")
    /// The round state machine does not allow this transition.
    public static let invalidTransition = Self("invalid_transition")
    /// The disk or database is full (SQLITE_FULL, PostgreSQL 53100); nothing was written.
    public static let storageFull = Self("storage_full")
    /// The database could not be reached, even after bounded retries.
    public static let unavailable = Self("unavailable")
    /// The connection broke while COMMIT was in flight: the transaction may or may not be durable.
    public static let commitOutcomeUnknown = Self("commit_outcome_unknown")
    /// The database role lacks the privilege (PostgreSQL 42501).
    public static let permissionDenied = Self("permission_denied")
    /// A trigger refused to change or remove a row of an insert-only audit table.
    public static let appendOnly = Self("append_only")
    /// A transient conflict between concurrent writers (busy, serialization failure, deadlock).
    public static let busy = Self("busy")
    /// The database schema is newer than this program, or a migration failed.
    public static let schemaMismatch = Self("schema_mismatch")
    /// The connection settings are unsafe (e.g. no `sslmode=verify-full` to a remote host).
    public static let insecureConfiguration = Self("insecure_configuration")
    /// Any other database failure; `libraryCode` holds the SQLite code, `reason` the SQLSTATE.
    public static let database = Self("database")
}

extension BacklineError where Domain == StoreErrorDomain {
    /// `field` has an unusable value, described by `problem` (never the value itself when secret).
    public static func invalidInput(_ field: String, _ problem: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidInput, reason: "\(field): \(problem)", fileID: fileID, line: line)
    }
    /// No `what` with key `key`.
    public static func notFound(_ what: String, key: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .notFound, reason: "no \(what) with key \(key)", fileID: fileID, line: line)
    }
    /// A different `what` already exists under `key`.
    public static func conflict(_ what: String, key: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .conflict, reason: "a different \(what) already exists for \(key)", fileID: fileID, line: line)
    }
    /// Round `round` is `state` and accepts no updates.
    public static func roundClosed(_ round: Int64, state: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .roundClosed, reason: "round \(round) is \(state) and accepts no updates", fileID: fileID, line: line)
    }
    /// Round `round` cannot go from `from` to `to`.
    public static func invalidTransition(_ round: Int64, from: String, to: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidTransition, reason: "round \(round) cannot go from \(from) to \(to)", fileID: fileID, line: line)
    }
    /// A failure with `code` reported by the database, described by `reason`.
    static func database(_ code: Code, _ reason: String, libraryCode: Int? = nil, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: code, reason: reason, libraryCode: libraryCode, fileID: fileID, line: line)
    }

    /// True for failures worth retrying the whole transaction: busy, or a lost connection before COMMIT.
    var isRetryable: Bool { code == .busy || code == .unavailable }
}
