#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers and crashes see either the old file or the whole new one:
/// the bytes go to a temporary file in the same directory, which is fsynced, renamed over the
/// target, and the directory fsynced. A crash leaves at most a stray `*.tmp-*` file.
public final class AtomicFileWriter {
    /// The file that will exist after ``commit()``.
    public let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var finished = false

    /// Opens a temporary file beside `path` with permissions `mode` (0600 by default).
    public init(path: String, mode: UInt32 = 0o600) throws {
        self.path = path
        var random = SystemRandomNumberGenerator()
        let temporary = path + ".tmp-" + String(random.next() as UInt64, radix: 16)
        temporaryPath = temporary
        descriptor = try SystemCall.retrying("open", path: temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        }
    }

    /// Appends bytes, retrying short writes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try SystemCall.writeAll(bytes, to: descriptor, path: temporaryPath)
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends bytes bypassing the page cache where the file system allows it (see
    /// ``UnbufferedWrite``): for large files written in one piece and synced at once.
    public func writeUnbuffered(_ bytes: [UInt8]) throws {
        _ = try bytes.withUnsafeBytes { try UnbufferedWrite.write($0, to: descriptor, path: temporaryPath) }
    }

    /// fsyncs the data, renames it over ``path`` and fsyncs the directory.
    public func commit() throws {
        precondition(!finished, "AtomicFileWriter committed twice")
        do {
            try SystemCall.retrying("fsync", path: temporaryPath) { fsync(descriptor) }
            close(descriptor)
            descriptor = -1
            try SystemCall.retrying("rename", path: path) { rename(temporaryPath, path) }
        } catch {
            abandon()  // the target stays as it was; the temporary file is removed
            throw error
        }
        finished = true
        try AtomicFileWriter.syncDirectory(containing: path)
    }

    /// Removes the temporary file; the target is left as it was.
    public func abandon() {
        guard !finished else { return }
        finished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporaryPath)
    }

    deinit { abandon() }

    /// Writes `bytes` to `path` atomically in one call; `unbuffered` writes them with
    /// ``writeUnbuffered(_:)``.
    public static func write(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o600, unbuffered: Bool = false) throws {
        let writer = try AtomicFileWriter(path: path, mode: mode)
        do {
            if unbuffered { try writer.writeUnbuffered(bytes) } else { try writer.write(bytes) }
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// fsyncs the directory holding `path`, so a rename in it is durable.
    public static func syncDirectory(containing path: String) throws {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let fd = try SystemCall.retrying("open", path: directory) { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try SystemCall.retrying("fsync", path: directory) { fsync(fd) }
    }
}

/// Reading whole files and checking permissions, with errors that name the path.
public enum FileAccess {
    /// All bytes of `path`.
    public static func readAll(_ path: String) throws -> [UInt8] {
        let fd = try SystemCall.retrying("open", path: path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { buffer in
                try SystemCall.retrying("read", path: path) { read(fd, buffer.baseAddress!, buffer.count) }
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// Throws ``CoreError`` `insecurePermissions` unless `path` is a regular file readable and
    /// writable by its owner only (no group or other bits), as key files must be.
    public static func requireOwnerOnly(_ path: String) throws {
        var info = stat()
        try SystemCall.retrying("stat", path: path) { stat(path, &info) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CoreError(code: .insecurePermissions, reason: "\(path) is not a regular file")
        }
        let loose = info.st_mode & 0o077
        guard loose == 0 else {
            throw CoreError(
                code: .insecurePermissions,
                reason: "\(path) has mode \(String(info.st_mode & 0o777, radix: 8)); key files must be 0600 (chmod 600 \(path))"
            )
        }
    }

    /// Whether a file or directory exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
