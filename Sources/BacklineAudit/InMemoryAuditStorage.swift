internal import Synchronization

/// An ``AuditLogStorage`` in memory, for tests and embedded use.
public final class InMemoryAuditStorage: AuditLogStorage {
    private struct State {
        var entries: [AuditEntry] = []
        var leafData: [[UInt8]] = []  // canonical bytes, encoded once at append
        var checkpoints: [(note: String, size: Int)] = []
    }
    private let state = Mutex(State())

    /// An empty log.
    public init() {}

    public func append(_ entries: [AuditEntry]) throws -> Int {
        state.withLock { state in
            let first = state.entries.count
            state.entries.append(contentsOf: entries)
            state.leafData.append(contentsOf: entries.map(\.canonicalBytes))
            return first
        }
    }

    public func entries(from: Int, to: Int) throws -> [AuditEntry] {
        try state.withLock { state in
            try checkRange(from: from, to: to, count: state.entries.count)
            return Array(state.entries[from..<to])
        }
    }

    /// The canonical bytes encoded when the entries were appended.
    public func leafData(from: Int, to: Int) throws -> [ArraySlice<UInt8>] {
        try state.withLock { state in
            try checkRange(from: from, to: to, count: state.leafData.count)
            return state.leafData[from..<to].map { ArraySlice($0) }
        }
    }

    public func count() throws -> Int { state.withLock { $0.entries.count } }

    public func saveCheckpoint(_ signedNote: String, size: Int) throws {
        state.withLock { $0.checkpoints.append((signedNote, size)) }
    }

    public func latestCheckpoint() throws -> String? { state.withLock { $0.checkpoints.last?.note } }

}
