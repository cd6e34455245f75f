public import BacklineCore
package import BacklineCrypto

#if canImport(Glibc)
import Glibc
#endif

/// Decrypts a vault data file as a stream, one chunk in memory at a time.
///
/// ``read(into:)`` returns 0 only after the FINAL chunk authenticated and nothing follows it.
/// Failures name the chunk: `truncated` (no FINAL at end of file, or a cut chunk),
/// `trailingData`, `authenticationFailed` (wrong key, altered, reordered or spliced chunk).
/// Plaintext already returned before a failure must be discarded by the caller; use
/// ``EncryptedVault/export(name:to:)`` to get a file only when the whole stream verified.
public final class EncryptedFileReader: ByteStreamReader {
    /// The file being read.
    public let path: String
    /// Its authenticated header.
    public let header: VaultFileHeader
    private let descriptor: Int32
    private let puller: SecretStreamPuller
    private let additionalData: [UInt8]
    private let chunkSize: Int
    /// Ciphertext read ahead, about 1 MiB at a time; `cipherStart..<cipherEnd` is not yet decrypted.
    private var cipher: [UInt8]
    private var cipherStart = 0
    private var cipherEnd = 0
    private var sawEndOfFile = false
    private var plain: [UInt8]
    private var plainStart = 0
    private var plainEnd = 0
    private var chunkIndex = 0
    private var reachedEnd = false

    /// Opens `path`, checks its header (version before anything is decrypted), asks `key` for the
    /// data key of that header and reads the stream header.
    package init(
        path: String,
        supportedVersions: Set<UInt8> = VaultFileFormat.supportedVersions,
        key: (VaultFileHeader) throws -> SymmetricKey
    ) throws {
        self.path = path
        let fd = try Self.openFile(path)
        descriptor = fd
        do {
            let headerBytes = try Self.readUpTo(fd, count: VaultFileFormat.headerCount, path: path)
            header = try VaultFileHeader.parse(headerBytes, path: path, supportedVersions: supportedVersions)
            additionalData = headerBytes
            chunkSize = Int(header.chunkSize)
            let streamHeader = try Self.readUpTo(fd, count: SecretStream.headerCount, path: path)
            guard streamHeader.count == SecretStream.headerCount else {
                throw VaultAtRestError.truncated(path, chunk: 0, "the stream header is cut to \(streamHeader.count) bytes")
            }
            puller = try SecretStreamPuller(key: try key(header), header: streamHeader)
        } catch {
            close(fd)
            throw error
        }
        let batch = max(1, VaultFileFormat.ioBatchSize / (chunkSize + SecretStream.overheadCount))
        cipher = [UInt8](repeating: 0, count: batch * (chunkSize + SecretStream.overheadCount))
        plain = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        plain.zeroize()
        close(descriptor)
    }

    /// Copies decrypted bytes into `buffer`; 0 only at the verified end of the stream. A buffer of
    /// at least one chunk receives the plaintext directly, without an intermediate copy.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while plainStart == plainEnd {
            if reachedEnd { return 0 }
            if buffer.count >= chunkSize {
                let count = try decryptNextChunk(into: buffer)
                if count > 0 { return count }
                continue
            }
            plainEnd = try plain.withUnsafeMutableBytes { try decryptNextChunk(into: $0) }
            plainStart = 0
        }
        let count = min(buffer.count, plainEnd - plainStart)
        plain.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress!.advanced(by: plainStart), byteCount: count)
        }
        plainStart += count
        return count
    }

    /// Authenticates and decrypts the next chunk into `output` (room for one chunk); checks FINAL
    /// at end of file and nothing after it.
    private func decryptNextChunk(into output: UnsafeMutableRawBufferPointer) throws -> Int {
        let index = chunkIndex
        let fullCount = chunkSize + SecretStream.overheadCount
        try refillIfNeeded(fullCount)
        let count = min(fullCount, cipherEnd - cipherStart)
        if count == 0 { throw VaultAtRestError.truncated(path, chunk: index, "no FINAL chunk before the end of the file") }
        if count < SecretStream.overheadCount { throw VaultAtRestError.truncated(path, chunk: index, "the chunk is cut to \(count) bytes") }
        let start = cipherStart
        let result: (count: Int, tag: SecretStreamTag)
        do {
            result = try cipher.withUnsafeBytes { chunk in
                try additionalData.withUnsafeBytes { ad in
                    try puller.pull(UnsafeRawBufferPointer(rebasing: chunk[start..<(start + count)]), additionalData: ad, into: output)
                }
            }
        } catch let error as CryptoError {
            throw VaultAtRestError.chunkAuthenticationFailed(path, chunk: index, underlying: error)
        }
        cipherStart += count
        chunkIndex += 1
        switch result.tag {
        case .final:
            try refillIfNeeded(1)
            if cipherEnd > cipherStart { throw VaultAtRestError.at(.trailingData, path, "bytes follow the FINAL chunk \(index)") }
            reachedEnd = true
        case .message where count == fullCount:
            break
        case .message:
            throw VaultAtRestError.truncated(path, chunk: index, "a short chunk is not marked FINAL")
        default:
            throw VaultAtRestError.chunkAuthenticationFailed(path, chunk: index)
        }
        return result.count
    }

    /// Reads more ciphertext unless `needed` bytes are buffered or the file has ended.
    private func refillIfNeeded(_ needed: Int) throws {
        guard cipherEnd - cipherStart < needed, !sawEndOfFile else { return }
        let remaining = cipherEnd - cipherStart
        if cipherStart > 0 {
            let start = cipherStart
            cipher.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: remaining) }
            cipherStart = 0
            cipherEnd = remaining
        }
        let end = cipherEnd
        let count = try cipher.withUnsafeMutableBytes {
            try Self.readFully(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: $0[end...]), path: path)
        }
        if end + count < cipher.count { sawEndOfFile = true }
        cipherEnd += count
    }

    /// The header of the data file at `path`, without decrypting anything.
    static func readHeader(_ path: String) throws -> VaultFileHeader {
        let fd = try openFile(path)
        defer { close(fd) }
        return try VaultFileHeader.parse(readUpTo(fd, count: VaultFileFormat.headerCount, path: path), path: path)
    }

    private static func openFile(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw VaultAtRestError.at(.notFound, path, "no such vault file") }
            throw CoreError.systemCall("open", path: path, errno: code)
        }
        return fd
    }

    private static func readUpTo(_ fd: Int32, count: Int, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withUnsafeMutableBytes { try readFully(fd, into: $0, path: path) }
        return Array(bytes[0..<n])
    }

    /// Reads until `buffer` is full or the file ends; returns the bytes read.
    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        var total = 0
        while total < buffer.count {
            let n = try SystemCall.retrying("read", path: path) { Glibc.read(fd, buffer.baseAddress! + total, buffer.count - total) }
            if n == 0 { break }
            total += n
        }
        return total
    }
}
