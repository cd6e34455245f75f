internal import BacklineCore
internal import Foundation
internal import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only ``AuditLogStorage`` in files, so the CLI works without a database:
/// `PATH` holds one canonical entry per line (JSON lines), `PATH.checkpoints` one
/// `{"note":…,"size":…}` line per signed checkpoint. Each batch is written with one `write`
/// and fsynced before `append` returns. A torn last line (crash mid-write, never acknowledged)
/// is cut off when the file is opened for writing and ignored when it is opened read-only.
public final class FileAuditStorage: AuditLogStorage {
    private struct State {
        var offsets: [Int] = []  // start of each entry line; offsets.count == number of entries
        var end = 0  // end of the last complete line
        var latestCheckpoint: String?
    }

    /// Path of the entries file.
    public let path: String
    /// Path of the checkpoints file.
    public var checkpointsPath: String { path + ".checkpoints" }
    private let readOnly: Bool
    private let descriptor: Int32
    private let state: Mutex<State>

    /// Opens (creating it 0600 unless `readOnly`) the log at `path` and indexes its lines.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        self.readOnly = readOnly
        let flags = readOnly ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC
        let fd = try Self.wrap { try SystemCall.retrying("open", path: path) { open(path, flags, 0o600) } }
        descriptor = fd
        var state = State()
        do {
            // Index line starts in 1 MiB reads rather than loading the whole file.
            var start = 0
            var position = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = try chunk.withUnsafeMutableBytes { buffer in
                    try Self.wrap {
                        try SystemCall.retrying("pread", path: path) { pread(fd, buffer.baseAddress!, buffer.count, off_t(position)) }
                    }
                }
                if n == 0 { break }
                chunk.withUnsafeBufferPointer { buffer in
                    for index in 0..<n where buffer[index] == UInt8(ascii: "\n") {
                        state.offsets.append(start)
                        start = position + index + 1
                    }
                }
                position += n
            }
            state.end = start
            if start < position && !readOnly {
                _ = try Self.wrap { try SystemCall.retrying("ftruncate", path: path) { ftruncate(fd, off_t(start)) } }
                _ = try Self.wrap { try SystemCall.retrying("fsync", path: path) { fsync(fd) } }
            }
            if FileAccess.exists(path + ".checkpoints") {
                let text = try Self.wrap { try FileAccess.readAll(path + ".checkpoints") }
                let lines = text.split(separator: UInt8(ascii: "\n"))
                if let last = lines.last {
                    state.latestCheckpoint = try Self.decodeCheckpointLine(last, path: path + ".checkpoints", line: lines.count)
                }
            }
        } catch {
            close(fd)
            throw error
        }
        self.state = Mutex(state)
    }

    deinit { close(descriptor) }

    public func append(_ entries: [AuditEntry]) throws -> Int {
        guard !readOnly else { throw AuditError.storageFailure("\(path) is open read-only") }
        var buffer: [UInt8] = []
        var lengths: [Int] = []
        for entry in entries {
            try entry.validate()
            let line = entry.canonicalBytes
            buffer += line
            buffer.append(UInt8(ascii: "\n"))
            lengths.append(line.count + 1)
        }
        return try state.withLock { state in
            let first = state.offsets.count
            guard !buffer.isEmpty else { return first }
            do {
                try Self.writeAll(descriptor, buffer, path: path)
                try SystemCall.retrying("fsync", path: path) { fsync(descriptor) }
            } catch {
                // Undo a partial batch so the file holds whole lines only; fail closed either way.
                _ = ftruncate(descriptor, off_t(state.end))
                throw AuditError.storageFailure("appending \(entries.count) entries to \(path) failed", underlying: error)
            }
            var offset = state.end
            for length in lengths {
                state.offsets.append(offset)
                offset += length
            }
            state.end = offset
            return first
        }
    }

    public func entries(from: Int, to: Int) throws -> [AuditEntry] {
        var result: [AuditEntry] = []
        result.reserveCapacity(to - from)
        for (number, line) in try lines(from: from, to: to).enumerated() {
            do { result.append(try AuditEntry(canonicalBytes: line)) } catch {
                throw AuditError.malformed("\(path) line \(from + number + 1)", "\(error)")
            }
        }
        return result
    }

    /// The stored lines themselves: what was hashed when they were appended.
    public func leafData(from: Int, to: Int) throws -> [ArraySlice<UInt8>] {
        try lines(from: from, to: to)
    }

    /// Lines `from..<to` without their newlines.
    private func lines(from: Int, to: Int) throws -> [ArraySlice<UInt8>] {
        let (start, end) = try state.withLock { state -> (Int, Int) in
            try checkRange(from: from, to: to, count: state.offsets.count)
            return (from < state.offsets.count ? state.offsets[from] : state.end, to < state.offsets.count ? state.offsets[to] : state.end)
        }
        guard end > start else { return [] }
        var bytes = [UInt8](repeating: 0, count: end - start)
        var done = 0
        while done < bytes.count {
            let n = try bytes.withUnsafeMutableBytes { buffer in
                try Self.wrap {
                    try SystemCall.retrying("pread", path: path) {
                        pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(start + done))
                    }
                }
            }
            guard n > 0 else { throw AuditError.storageFailure("\(path) is shorter than its index (truncated while open?)") }
            done += n
        }
        let lines = Array(bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast())
        guard lines.count == to - from else {
            throw AuditError.malformed(path, "expected \(to - from) lines from line \(from + 1), read \(lines.count)")
        }
        return lines
    }

    public func count() throws -> Int { state.withLock { $0.offsets.count } }

    public func saveCheckpoint(_ signedNote: String, size: Int) throws {
        guard !readOnly else { throw AuditError.storageFailure("\(path) is open read-only") }
        struct Line: Encodable {
            let note: String
            let size: Int
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Array(try encoder.encode(Line(note: signedNote, size: size))) + [UInt8(ascii: "\n")]
        try state.withLock { state in
            let fd = try Self.wrap {
                try SystemCall.retrying("open", path: checkpointsPath) {
                    open(checkpointsPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
                }
            }
            defer { close(fd) }
            do {
                try Self.writeAll(fd, line, path: checkpointsPath)
                try SystemCall.retrying("fsync", path: checkpointsPath) { fsync(fd) }
            } catch {
                throw AuditError.storageFailure("saving a checkpoint to \(checkpointsPath) failed", underlying: error)
            }
            state.latestCheckpoint = signedNote
        }
    }

    public func latestCheckpoint() throws -> String? { state.withLock { $0.latestCheckpoint } }

    private struct CheckpointLine: Decodable {
        let note: String
        let size: Int
    }

    private static func decodeCheckpointLine(_ line: some Collection<UInt8>, path: String, line number: Int) throws -> String {
        do { return try JSONDecoder().decode(CheckpointLine.self, from: Data(line)).note } catch {
            throw AuditError.malformed("\(path) line \(number)", "not a checkpoint record")
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                offset += try SystemCall.retrying("write", path: path) {
                    write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                }
            }
        }
    }

    /// Turns core errors into this module's storage failures.
    @discardableResult
    private static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AuditError { throw error } catch {
            throw AuditError.storageFailure("\(error)", underlying: error)
        }
    }
}
