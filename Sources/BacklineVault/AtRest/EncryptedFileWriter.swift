public import BacklineCore
internal import BacklineCrypto

/// Encrypts a byte stream into a vault data file (see ``VaultFileFormat``), chunk by chunk,
/// through a temporary file that becomes visible under its name only in ``finish()``.
///
/// Encryption and file writes overlap: a background queue writes one ~1 MiB batch of chunks
/// while the next is encrypted. Made by ``EncryptedVault/makeWriter(name:)``. If the writer is abandoned, fails or is released
/// before ``finish()``, the temporary file is removed and the previous file is left as it was.
/// Not thread-safe: one writer, one thread.
public final class EncryptedFileWriter: ByteStreamWriter {
    /// What the vault does around the commit: register the wrapped DEK first, drop the older
    /// generation after, roll the registration back if the commit fails, and release the name.
    struct Hooks {
        var register: () throws -> Void
        var committed: () -> Void
        var rollback: () -> Void
        var released: () -> Void
    }

    private enum State { case open, finished, failed }

    /// The file this writer will replace.
    public let path: String
    private let sink: PipelinedFileSink
    private var pusher: SecretStreamPusher?
    private let additionalData: [UInt8]
    private let chunkSize: Int
    private var plain: [UInt8]
    private var filled = 0
    private var state = State.open
    private var registered = false
    private let hooks: Hooks

    init(path: String, header: VaultFileHeader, dek: SymmetricKey, hooks: Hooks) throws {
        self.path = path
        self.hooks = hooks
        chunkSize = Int(header.chunkSize)
        additionalData = header.encoded
        plain = [UInt8](repeating: 0, count: chunkSize)
        let chunkCount = max(1, VaultFileFormat.ioBatchSize / (chunkSize + SecretStream.overheadCount))
        let file = try AtomicFileWriter(path: path, mode: 0o600)
        sink = PipelinedFileSink(file: file, bufferSize: chunkCount * (chunkSize + SecretStream.overheadCount))
        do {
            let pusher = try SecretStreamPusher(key: dek)
            self.pusher = pusher
            try file.write(additionalData + pusher.header)
        } catch {
            file.abandon()
            state = .failed  // the vault releases the name when this initialiser throws
            throw error
        }
    }

    /// Encrypts and appends `bytes` (full chunks go to the temporary file as they fill).
    /// - Throws: ``VaultAtRestError`` `writerState` after finish or failure; write errors, after
    ///   which the writer is failed and the temporary file removed.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard state == .open else { throw VaultAtRestError.at(.writerState, path, "write after the writer was finished or failed") }
        do {
            var offset = 0
            while offset < bytes.count {
                if filled == chunkSize { try flushChunk(tag: .message) }
                let count = min(chunkSize - filled, bytes.count - offset)
                plain.withUnsafeMutableBytes { destination in
                    destination.baseAddress!.advanced(by: filled).copyMemory(
                        from: bytes.baseAddress!.advanced(by: offset),
                        byteCount: count
                    )
                }
                filled += count
                offset += count
            }
        } catch {
            fail()
            throw error
        }
    }

    /// Encrypts the last chunk with the FINAL tag, registers the wrapped data key in the manifest,
    /// then fsyncs and renames the file into place.
    public func finish() throws {
        guard state == .open else { throw VaultAtRestError.at(.writerState, path, "finish after the writer was finished or failed") }
        do {
            try flushChunk(tag: .final)
            try sink.drain()
            pusher = nil
            try hooks.register()
            registered = true
            try sink.file.commit()
        } catch {
            fail()
            throw error
        }
        state = .finished
        plain.zeroize()
        hooks.committed()
        hooks.released()
    }

    /// Drops everything written so far; the previous file stays as it was.
    public func abandon() {
        if state == .open { fail() }
    }

    deinit { abandon() }

    private func flushChunk(tag: SecretStreamTag) throws {
        guard let pusher else { throw VaultAtRestError.at(.writerState, path, "stream already ended") }
        if sink.freeSpace.count < filled + SecretStream.overheadCount { try sink.submit() }
        let output = sink.freeSpace
        let count = try plain.withUnsafeBytes { plainBuffer in
            try additionalData.withUnsafeBytes { ad in
                try pusher.push(UnsafeRawBufferPointer(rebasing: plainBuffer[0..<filled]), additionalData: ad, tag: tag, into: output)
            }
        }
        sink.didFill(count)
        filled = 0
    }

    private func fail() {
        state = .failed
        pusher = nil
        sink.quiesce()
        sink.file.abandon()
        plain.zeroize()
        if registered { hooks.rollback() }
        hooks.released()
    }
}
