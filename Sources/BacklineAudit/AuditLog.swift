internal import BacklineCore
internal import Foundation
internal import Synchronization

/// The aggregator's audit log: appends entries to an ``AuditLogStorage`` (durably, before the
/// guarded action runs), keeps the Merkle tree over them, and signs a checkpoint every
/// ``Configuration/checkpointEvery`` entries or ``Configuration/checkpointInterval``, whichever
/// comes first (the interval is checked on append, by ``checkpointIfDue()`` and by ``run()``).
public final class AuditLog: Sendable {
    /// When to sign checkpoints.
    public struct Configuration: Sendable {
        /// Sign after this many new entries (≥ 1).
        public var checkpointEvery: Int
        /// Sign when new entries are older than this.
        public var checkpointInterval: Duration
        /// Every 256 entries or every second.
        public init(checkpointEvery: Int = 256, checkpointInterval: Duration = .seconds(1)) {
            self.checkpointEvery = max(1, checkpointEvery)
            self.checkpointInterval = checkpointInterval
        }
    }

    private struct State {
        var tree = MerkleTree()
        var checkpointedSize = 0
        var lastCheckpoint = ContinuousClock.now
    }

    /// The storage below.
    public let storage: any AuditLogStorage
    private let signer: CheckpointSigner
    private let configuration: Configuration
    private let state: Mutex<State>
    private let commitQueue = CommitQueue()

    /// Opens the log in `storage`: rebuilds the tree from the stored entries and checks the
    /// latest stored checkpoint (signature by `signer`'s key, same origin, root matching the
    /// entries). A log that contradicts its own checkpoint is refused (``AuditError`` `tampered`).
    public init(storage: any AuditLogStorage, signer: NoteSigner, origin: String, configuration: Configuration = Configuration()) throws {
        var tree = MerkleTree()
        try Self.extend(&tree, from: storage, to: try storage.count())
        var last: Checkpoint?
        if let note = try storage.latestCheckpoint() {
            let checkpoint = try CheckpointReader(origin: origin, keys: [signer.verifierKey]).read(note)
            guard checkpoint.size <= tree.size else {
                throw AuditError.tampered("latest checkpoint covers \(checkpoint.size) entries but the log holds \(tree.size)")
            }
            guard try tree.root(size: checkpoint.size) == checkpoint.root else {
                throw AuditError.tampered("entries 0..<\(checkpoint.size) do not match the latest signed checkpoint")
            }
            last = checkpoint
        }
        self.storage = storage
        self.signer = try CheckpointSigner(signer: signer, origin: origin, lastSigned: last)
        self.configuration = configuration
        var initial = State()
        initial.tree = tree
        initial.checkpointedSize = last?.size ?? 0
        self.state = Mutex(initial)
    }

    /// The key auditors use to check this log's checkpoints.
    public var verifierKey: NoteVerifierKey { signer.verifierKey }
    /// The log origin.
    public var origin: String { signer.origin }
    /// Number of entries.
    public var size: Int { state.withLock { $0.tree.size } }

    /// Appends one entry durably; returns its index. If this throws, the caller must not
    /// perform the action (see ``withAudit(_:_:)``).
    @discardableResult
    public func append(_ entry: AuditEntry) throws -> Int {
        try append(contentsOf: [entry])
    }

    /// Appends a batch durably; returns the index of the first entry. Concurrent callers are
    /// grouped: while one write is in flight the others queue, and the next write carries all
    /// queued batches with one fsync (group commit); each caller returns only once its own
    /// entries are durable, and if that write fails every caller in it gets the error.
    /// When the write makes a checkpoint due it is signed and stored before returning; if that
    /// fails the entries stay logged but this still throws, so the callers' actions do not run.
    /// Blocking: call it from a thread that may block (e.g. a `BlockingExecutor` thread).
    @discardableResult
    public func append(contentsOf entries: [AuditEntry]) throws -> Int {
        for entry in entries { try entry.validate() }
        let queue = commitQueue
        queue.condition.lock()
        let ticket = queue.nextTicket
        queue.nextTicket += 1
        queue.pending.append((ticket, entries))
        while true {
            if let result = queue.results.removeValue(forKey: ticket) {
                queue.condition.unlock()
                return try result.get()
            }
            if queue.leaderActive {
                queue.condition.wait()
                continue
            }
            queue.leaderActive = true
            let batch = queue.pending
            queue.pending = []
            queue.condition.unlock()
            let outcome = Result { try commit(batch.flatMap(\.entries)) }
            queue.condition.lock()
            var offset = 0
            for item in batch {
                queue.results[item.ticket] = outcome.map { $0 + offset }
                offset += item.entries.count
            }
            queue.leaderActive = false
            queue.condition.broadcast()
        }
    }

    /// One durable write of `entries`, then the tree and checkpoint bookkeeping.
    private func commit(_ entries: [AuditEntry]) throws -> Int {
        try state.withLock { state in
            let first: Int
            do { first = try storage.append(entries) } catch let error as AuditError { throw error } catch {
                throw AuditError.storageFailure("audit append failed", underlying: error)
            }
            if first != state.tree.size {
                // Another writer (a replica sharing the store) appended meanwhile: catch up.
                guard first > state.tree.size else {
                    throw AuditError.tampered("storage put new entries at \(first) but the log already holds \(state.tree.size)")
                }
                try Self.extend(&state.tree, from: storage, to: first)
            }
            for entry in entries { state.tree.append(leafHash: entry.leafHash) }
            try checkpointIfDue(&state)
            return first
        }
    }

    /// Appends `entry` first and runs `action` only if that succeeded: fail closed.
    public func withAudit<R>(_ entry: AuditEntry, _ action: () throws -> R) throws -> R {
        try append(entry)
        return try action()
    }

    /// Async form of ``withAudit(_:_:)``.
    public func withAudit<R>(_ entry: AuditEntry, _ action: () async throws -> R) async throws -> R {
        try append(entry)
        return try await action()
    }

    /// Signs and stores a checkpoint for the current size now; returns the signed note.
    @discardableResult
    public func checkpoint() throws -> String {
        try state.withLock { try signCheckpoint(&$0) }
    }

    /// Signs a checkpoint if entries are waiting and the interval has passed.
    public func checkpointIfDue() throws {
        try state.withLock { state in
            guard state.tree.size > state.checkpointedSize,
                ContinuousClock.now - state.lastCheckpoint >= configuration.checkpointInterval
            else { return }
            _ = try signCheckpoint(&state)
        }
    }

    /// Signs due checkpoints every interval until the task is cancelled.
    public func run() async throws {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.checkpointInterval) } catch { return }
            try checkpointIfDue()
        }
    }

    /// The latest signed checkpoint note, if any.
    public func latestCheckpoint() throws -> String? { try storage.latestCheckpoint() }

    /// Inclusion proof of entry `index` in the tree of `treeSize` entries.
    public func inclusionProof(index: Int, treeSize: Int) throws -> [TreeHash] {
        try state.withLock { try $0.tree.inclusionProof(index: index, size: treeSize) }
    }

    /// Consistency proof between sizes `oldSize` and `newSize`.
    public func consistencyProof(from oldSize: Int, to newSize: Int) throws -> [TreeHash] {
        try state.withLock { try $0.tree.consistencyProof(from: oldSize, to: newSize) }
    }

    /// Root at `treeSize`.
    public func root(size treeSize: Int) throws -> TreeHash {
        try state.withLock { try $0.tree.root(size: treeSize) }
    }

    private func checkpointIfDue(_ state: inout State) throws {
        let pending = state.tree.size - state.checkpointedSize
        guard pending > 0 else { return }
        if pending >= configuration.checkpointEvery || ContinuousClock.now - state.lastCheckpoint >= configuration.checkpointInterval {
            _ = try signCheckpoint(&state)
        }
    }

    private func signCheckpoint(_ state: inout State) throws -> String {
        let size = state.tree.size
        let previous = signer.lastSigned?.size ?? 0
        let proof = previous > 0 && previous < size ? try state.tree.consistencyProof(from: previous, to: size) : []
        let note = try signer.sign(size: size, root: try state.tree.root(size: size), consistencyProof: proof)
        try storage.saveCheckpoint(note, size: size)
        state.checkpointedSize = size
        state.lastCheckpoint = ContinuousClock.now
        return note
    }

    /// Reads entries `tree.size..<end` from `storage` in chunks and adds their leaf hashes.
    static func extend(_ tree: inout MerkleTree, from storage: any AuditLogStorage, to end: Int) throws {
        let chunk = 65_536
        while tree.size < end {
            let upper = min(end, tree.size + chunk)
            let data = try storage.leafData(from: tree.size, to: upper)
            guard data.count == upper - tree.size else {
                throw AuditError.storageFailure("storage returned \(data.count) entries for \(upper - tree.size)")
            }
            for hash in ParallelHashing.map(count: data.count, { MerkleHasher.leafHash(data[$0]) }) { tree.append(leafHash: hash) }
        }
    }
}

/// Callers waiting for a group commit (see ``AuditLog/append(contentsOf:)``).
private final class CommitQueue: @unchecked Sendable {
    // @unchecked: every stored property is used only with `condition` locked.
    let condition = NSCondition()
    var pending: [(ticket: Int, entries: [AuditEntry])] = []
    var results: [Int: Result<Int, any Error>] = [:]
    var nextTicket = 0
    var leaderActive = false
}
