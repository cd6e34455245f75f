public import BacklineAudit
public import BacklineStore
import Foundation

/// An ``AuditLogStorage`` over a ``FederationStore``, so the audit log lives in the same SQLite
/// file or PostgreSQL database as rounds and models (insert-only tables guarded by triggers).
/// Each row carries the entry's canonical bytes and leaf hash; ``leafData(from:to:)`` returns the
/// stored bytes as they are, so verification hashes exactly what is stored.
public final class StoreAuditStorage: AuditLogStorage {
    /// The store below.
    public let store: any FederationStore

    /// Storage over `store`.
    public init(store: any FederationStore) { self.store = store }

    public func append(_ entries: [AuditEntry]) throws -> Int {
        try store.withTransaction { transaction in
            let first = try transaction.auditLogSize()
            let now = Date()
            let records = entries.enumerated().map { offset, entry in
                AuditEntryRecord(
                    index: first + Int64(offset),
                    entry: entry.canonicalBytes,
                    leafHash: entry.leafHash.bytes,
                    loggedAt: now,
                    actor: entry.spiffeID,
                    action: entry.action,
                    decision: entry.decision.rawValue,
                    round: entry.round.map(Int64.init)
                )
            }
            try transaction.appendAuditEntries(records)
            return Int(first)
        }
    }

    public func entries(from: Int, to: Int) throws -> [AuditEntry] {
        try records(from: from, to: to).map { try AuditEntry(canonicalBytes: $0.entry) }
    }

    public func leafData(from: Int, to: Int) throws -> [ArraySlice<UInt8>] {
        try records(from: from, to: to).map { ArraySlice($0.entry) }
    }

    public func count() throws -> Int { Int(try store.withTransaction { try $0.auditLogSize() }) }

    public func saveCheckpoint(_ signedNote: String, size: Int) throws {
        try store.withTransaction {
            try $0.insertCheckpoint(CheckpointRecord(size: Int64(size), signedNote: signedNote, createdAt: Date()))
        }
    }

    public func latestCheckpoint() throws -> String? {
        try store.withTransaction { try $0.latestCheckpoint() }?.signedNote
    }

    /// Rows `from..<to`, checked to be exactly those indices in order (a deleted row is a gap).
    private func records(from: Int, to: Int) throws -> [AuditEntryRecord] {
        guard from >= 0, from <= to else { throw AuditError.outOfRange("entry range \(from)..<\(to) is invalid") }
        if from == to { return [] }
        let rows = try store.auditEntries(BacklineStore.AuditFilter(fromIndex: Int64(from), toIndex: Int64(to)))
        for (offset, row) in rows.enumerated() where row.index != Int64(from + offset) {
            throw AuditError.outOfRange("audit entry \(from + offset) is missing from the store (next stored index \(row.index))")
        }
        guard rows.count == to - from else {
            throw AuditError.outOfRange("audit entries \(from + rows.count)..<\(to) are missing from the store")
        }
        return rows
    }
}
