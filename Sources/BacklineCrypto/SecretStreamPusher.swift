public import BacklineCore
internal import CSodium

/// Encrypts a stream chunk by chunk (`crypto_secretstream_xchacha20poly1305_push`).
///
/// Write ``header`` first, then each chunk's output; mark the last chunk ``SecretStreamTag/final``.
/// Chunks are authenticated in order, so a reader detects reordering, dropping and splicing.
/// Not thread-safe: one stream, one writer.
public final class SecretStreamPusher {
    /// The 24-byte stream header the reader needs (not secret).
    public let header: [UInt8]
    private let state = SecretStreamState()
    private var finished = false

    /// Starts a stream under `key` with a fresh random header.
    public init(key: SymmetricKey) throws {
        SodiumRuntime.ensureInitialized()
        var header = [UInt8](repeating: 0, count: SecretStream.headerCount)
        let statePointer = state.pointer
        let status = key.withKeyPointer { crypto_secretstream_xchacha20poly1305_init_push(statePointer, &header, $0) }
        guard status == 0 else { throw CryptoError.libraryFailure("crypto_secretstream_xchacha20poly1305_init_push", status: status) }
        self.header = header
    }

    /// Whether the final chunk has been pushed.
    public var isFinished: Bool { finished }

    /// Encrypts `message` with `additionalData` and `tag` into `output`, which needs room for
    /// `message.count + SecretStream.overheadCount` bytes.
    /// - Returns: the number of bytes written to `output`.
    /// - Throws: ``CryptoError`` `streamFinished` after a final chunk, `invalidLength` if `output`
    ///   is too small or the message too large.
    public func push(
        _ message: UnsafeRawBufferPointer,
        additionalData: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        tag: SecretStreamTag = .message,
        into output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        guard !finished else { throw CryptoError.streamFinished("secretstream push") }
        guard message.count <= SecretStream.maximumMessageCount else {
            throw CryptoError.invalidLength("secretstream chunk", expected: SecretStream.maximumMessageCount, actual: message.count)
        }
        let needed = message.count + SecretStream.overheadCount
        guard output.count >= needed, let out = output.baseAddress else {
            throw CryptoError.invalidLength("secretstream output buffer", expected: needed, actual: output.count)
        }
        var written: UInt64 = 0
        let status = crypto_secretstream_xchacha20poly1305_push(
            state.pointer,
            out.assumingMemoryBound(to: UInt8.self),
            &written,
            message.bytePointer,
            UInt64(message.count),
            additionalData.bytePointer,
            UInt64(additionalData.count),
            tag.rawValue
        )
        guard status == 0 else { throw CryptoError.libraryFailure("crypto_secretstream_xchacha20poly1305_push", status: status) }
        if tag == .final { finished = true }
        return Int(written)
    }

    /// Encrypts `message` and returns the chunk (`message.count + 17` bytes).
    public func push(
        _ message: some ContiguousBytes,
        additionalData: some ContiguousBytes = [UInt8](),
        tag: SecretStreamTag = .message
    ) throws -> [UInt8] {
        try message.withUnsafeBytes { messageBuffer in
            try additionalData.withUnsafeBytes { adBuffer in
                var output = [UInt8](repeating: 0, count: messageBuffer.count + SecretStream.overheadCount)
                let count = try output.withUnsafeMutableBytes { try push(messageBuffer, additionalData: adBuffer, tag: tag, into: $0) }
                precondition(count == output.count, "secretstream wrote an unexpected length")
                return output
            }
        }
    }
}
