import BacklineCore

#if canImport(Glibc)
import Glibc
#endif

/// Update payloads and model versions as files in a directory beside a SQLite database
/// (`<database>-spool/`), so a 4.5 MB update is written once and synced by itself, in parallel with other submissions and
/// outside the database's single write lock, while its row (digest, norm, receipt, file name) is a
/// small commit. A payload file is durable (fsync of the file and its directory) before its row is
/// committed; a file without a row (a crash between the two, or a refused submission) is removed
/// when its round's payloads are discarded. Temporary files of interrupted writes and empty round
/// directories are swept when the store is opened, once an hour old (``sweepLeftovers(olderThan:now:)``).
///
/// Layout: `r<round>/<hex of promoter id>-<hex of SHA-256>.update` and
/// `models/v<version>-<hex of SHA-256>.safetensors`, directories 0700, files 0600. Model files
/// are kept; only a round's update payloads are discarded.
/// Discarding a round overwrites each file with zeros and syncs it before unlinking, as SQLite's
/// `secure_delete` zeroes freed pages. Payloads, models and the zeros are written with
/// ``UnbufferedWrite`` (`O_DIRECT` where the file system takes it): they are synced at once
/// anyway, and skipping the page cache saves a copy of every page.
struct StoreSpool: Sendable {
    /// The spool directory.
    let directory: String

    /// The spool of the SQLite database at `databasePath`: `<databasePath>-spool`, created 0700.
    init(databasePath: String) throws {
        directory = databasePath + "-spool"
        try Self.makeDirectory(directory)
    }

    /// The file name (relative to the spool) of `promoterID`'s update with `digest` in `round`.
    static func fileName(round: Int64, promoterID: String, digest: [UInt8]) -> String {
        "r\(round)/\(Hex.encode(Array(promoterID.utf8)))-\(Hex.encode(digest)).update"
    }

    /// The file name of model `version` with `checksum`: `models/v<version>-<hex checksum>.safetensors`.
    static func modelFileName(version: Int64, checksum: [UInt8]) -> String {
        "models/v\(version)-\(Hex.encode(checksum)).safetensors"
    }

    /// Writes `bytes` as `name` durably (temporary file, fsync, rename, directory fsync).
    func write(_ bytes: [UInt8], as name: String) throws {
        try Self.translatingFailures("write update payload \(name)") {
            let path = try resolved(name)
            try Self.makeDirectory(String(path[..<path.lastIndex(of: "/")!]))
            try AtomicFileWriter.write(bytes, to: path, unbuffered: true)
        }
    }

    /// The bytes of `name`, at most `limit` of them.
    /// - Throws: ``StoreError`` naming the file when it is missing, unreadable or too large.
    func read(_ name: String, limit: Int = StoreValidation.maxPayloadBytes) throws -> [UInt8] {
        try Self.translatingFailures("read update payload \(name)") {
            let path = try resolved(name)
            let fd = try SystemCall.retrying("open", path: path) { open(path, O_RDONLY | O_CLOEXEC) }
            defer { close(fd) }
            var info = stat()
            try SystemCall.retrying("fstat", path: path) { fstat(fd, &info) }
            let size = Int(info.st_size)
            guard size <= limit else {
                throw StoreError.invalidInput("spool file \(name)", "\(size) bytes exceeds \(limit)")
            }
            var bytes = [UInt8](repeating: 0, count: size)
            var offset = 0
            try bytes.withUnsafeMutableBytes { buffer in
                while offset < size {
                    let count = try SystemCall.retrying("read", path: path) { Glibc.read(fd, buffer.baseAddress! + offset, size - offset) }
                    guard count > 0 else {
                        throw StoreError.database(.database, "update payload \(name) ended after \(offset) of \(size) bytes")
                    }
                    offset += count
                }
            }
            return bytes
        }
    }

    /// Zeroes and removes `name` if it exists (a refused submission's file, or one written again
    /// after its round's payloads were discarded); best effort.
    func remove(_ name: String) {
        guard let path = try? resolved(name) else { return }
        try? Self.zeroFill(path)
        unlink(path)
    }

    /// Overwrites every payload file of `round` with zeros, syncs, unlinks them and removes the
    /// round's directory. Nothing to do when the directory does not exist.
    func discardRound(_ round: Int64) throws {
        let roundDirectory = directory + "/r\(round)"
        guard FileAccess.exists(roundDirectory) else { return }
        let names = Self.entries(of: roundDirectory).map(\.name)
        try Self.translatingFailures("discard the update payloads of round \(round)") {
            for name in names {
                let path = roundDirectory + "/" + name
                try Self.zeroFill(path)
                unlink(path)
            }
            rmdir(roundDirectory)
            try AtomicFileWriter.syncDirectory(containing: roundDirectory)
        }
    }

    /// `name` under the spool, refusing names that could leave it.
    private func resolved(_ name: String) throws -> String {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
            name.utf8.allSatisfy({ $0 < 0x80 && $0 != 0 })
        else { throw StoreError.invalidInput("updates.payload_file", "'\(name.prefix(80))' is not a spool file name") }
        return directory + "/" + name
    }

    private static func zeroFill(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }  // already gone
        defer { close(fd) }
        var info = stat()
        try SystemCall.retrying("fstat", path: path) { fstat(fd, &info) }
        try UnbufferedWrite.writeZeros(count: Int(info.st_size), to: fd, path: path)
        try SystemCall.retrying("fdatasync", path: path) { fdatasync(fd) }
    }

    /// Creates `path` (mode 0700) if it does not exist, syncing its parent so the entry is durable.
    private static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) == 0 {
            try AtomicFileWriter.syncDirectory(containing: path)
            return
        }
        let failure = errno
        guard failure == EEXIST else { throw CoreError.systemCall("mkdir", path: path, errno: failure) }
    }

    /// Runs `body`, turning system-call failures into ``StoreError``: `storage_full` for a full
    /// disk or quota (nothing was stored), `database` otherwise, naming `what`.
    private static func translatingFailures<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CoreError {
            if let code = error.libraryCode, code == Int(ENOSPC) || code == Int(EDQUOT) {
                throw StoreError.database(.storageFull, "\(what): the disk is full", libraryCode: code)
            }
            throw StoreError.database(.database, "\(what): \(error.reason)", libraryCode: error.libraryCode)
        }
    }
}
