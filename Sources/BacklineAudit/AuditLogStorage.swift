/// Where audit entries and signed checkpoints are kept. The store module implements it over
/// SQLite and PostgreSQL (insert-only table); this module ships an in-memory and a file-backed
/// implementation. Implementations must be append-only: entries are never changed or removed,
/// and `append` returns only after the entries are durable. Tamper evidence does not rely on
/// that: it comes from the Merkle tree and signed checkpoints that auditors keep elsewhere.
public protocol AuditLogStorage: Sendable {
    /// Appends `entries` in order, durably; returns the index of the first one.
    func append(_ entries: [AuditEntry]) throws -> Int
    /// Entries `from..<to` in index order (`0 ≤ from ≤ to ≤ count`).
    func entries(from: Int, to: Int) throws -> [AuditEntry]
    /// Number of entries.
    func count() throws -> Int
    /// Stores a signed checkpoint note covering the first `size` entries.
    func saveCheckpoint(_ signedNote: String, size: Int) throws
    /// The most recently saved signed checkpoint note, if any.
    func latestCheckpoint() throws -> String?
    /// The Merkle leaf data of entries `from..<to`: each entry's canonical bytes. Optional: the
    /// default re-encodes ``entries(from:to:)``; a storage that keeps the exact bytes should
    /// return them as stored, so verification hashes what is stored without parsing it.
    func leafData(from: Int, to: Int) throws -> [ArraySlice<UInt8>]
}

extension AuditLogStorage {
    /// Re-encodes the decoded entries (see ``AuditLogStorage/leafData(from:to:)``).
    public func leafData(from: Int, to: Int) throws -> [ArraySlice<UInt8>] {
        try entries(from: from, to: to).map { ArraySlice($0.canonicalBytes) }
    }
}

extension AuditLogStorage {
    /// Checks `from..<to` against `count` and throws ``AuditError`` `outOfRange` if it is not a
    /// valid range; shared by the implementations.
    func checkRange(from: Int, to: Int, count: Int) throws {
        guard from >= 0, from <= to, to <= count else {
            throw AuditError.outOfRange("entry range \(from)..<\(to) not within 0..<\(count)")
        }
    }
}
