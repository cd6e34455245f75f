internal import BacklineCore
internal import Foundation

/// Keeps an ``AuditorState`` in two files the auditor owns: `PATH` (JSON with the signed
/// note) and `PATH.leaves` (32-byte leaf hashes back to back). Both are written atomically,
/// the leaves first, so a crash leaves either the old state or the new one.
public struct AuditorStateFile: Sendable {
    /// Path of the JSON file.
    public let path: String
    /// Path of the leaf-hash file.
    public var leavesPath: String { path + ".leaves" }

    /// A state file at `path`.
    public init(path: String) { self.path = path }

    private struct Record: Codable {
        let origin: String
        let size: Int
        let root: String
        let note: String
    }

    /// The saved state, or nil if none was saved yet. The note is re-verified with `reader`.
    public func load(reader: CheckpointReader) throws -> AuditorState? {
        guard FileAccess.exists(path) else { return nil }
        let record: Record
        do { record = try JSONDecoder().decode(Record.self, from: Data(try FileAccess.readAll(path))) } catch {
            throw AuditError.malformed("auditor state \(path)", "unreadable: \(error)")
        }
        let checkpoint = try reader.read(record.note)
        guard checkpoint.size == record.size, checkpoint.root.hex == record.root else {
            throw AuditError.malformed("auditor state \(path)", "size/root fields disagree with the saved note")
        }
        let raw = try FileAccess.readAll(leavesPath)
        guard raw.count % TreeHash.byteCount == 0, raw.count / TreeHash.byteCount >= checkpoint.size else {
            throw AuditError.malformed("auditor state \(leavesPath)", "holds \(raw.count) bytes, need \(checkpoint.size) hashes")
        }
        var hashes: [TreeHash] = []
        hashes.reserveCapacity(checkpoint.size)
        for index in 0..<checkpoint.size {
            hashes.append(try TreeHash(bytes: raw[index * 32..<(index + 1) * 32]))
        }
        return try AuditorState(checkpoint: checkpoint, note: record.note, leafHashes: hashes)
    }

    /// Saves `state` (leaves first, then the JSON), each atomically and 0600.
    public func save(_ state: AuditorState) throws {
        var raw: [UInt8] = []
        raw.reserveCapacity(state.leafHashes.count * TreeHash.byteCount)
        for hash in state.leafHashes { raw += hash.bytes }
        let record = Record(origin: state.checkpoint.origin, size: state.checkpoint.size, root: state.checkpoint.root.hex, note: state.note)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            try AtomicFileWriter.write(raw, to: leavesPath)
            try AtomicFileWriter.write(Array(try encoder.encode(record)), to: path)
        } catch {
            throw AuditError.storageFailure("saving auditor state \(path) failed", underlying: error)
        }
    }
}
