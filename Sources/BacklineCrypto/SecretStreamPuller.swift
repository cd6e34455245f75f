public import BacklineCore
internal import CSodium

/// Decrypts a stream made by ``SecretStreamPusher`` (`crypto_secretstream_xchacha20poly1305_pull`).
///
/// Each chunk must be given exactly as pushed, in order, with the same additional data. The
/// caller must demand ``SecretStreamTag/final`` at the end of its input: a stream cut at a chunk
/// boundary still decrypts chunk by chunk, so only the missing final tag reveals truncation.
public final class SecretStreamPuller {
    private let state = SecretStreamState()
    private var finished = false

    /// Starts decrypting the stream whose 24-byte header is `header`, under `key`.
    /// - Throws: ``CryptoError`` `invalidLength` for a header of the wrong size, `authenticationFailed`
    ///   if libsodium rejects the header.
    public init(key: SymmetricKey, header: some ContiguousBytes) throws {
        SodiumRuntime.ensureInitialized()
        let statePointer = state.pointer
        let status: Int32 = try header.withUnsafeBytes { headerBuffer in
            guard headerBuffer.count == SecretStream.headerCount else {
                throw CryptoError.invalidLength("secretstream header", expected: SecretStream.headerCount, actual: headerBuffer.count)
            }
            return key.withKeyPointer { crypto_secretstream_xchacha20poly1305_init_pull(statePointer, headerBuffer.bytePointer!, $0) }
        }
        guard status == 0 else { throw CryptoError.authenticationFailed("secretstream header") }
    }

    /// Whether a chunk tagged final has been pulled.
    public var isFinished: Bool { finished }

    /// Decrypts one chunk into `output` (room for `chunk.count - 17` bytes).
    /// - Returns: the plaintext length and the chunk's tag.
    /// - Throws: ``CryptoError`` `authenticationFailed` for a wrong key or an altered, reordered,
    ///   cut or spliced chunk; `streamFinished` after the final chunk; `invalidLength` for a chunk
    ///   shorter than 17 bytes or an output buffer too small.
    public func pull(
        _ chunk: UnsafeRawBufferPointer,
        additionalData: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        into output: UnsafeMutableRawBufferPointer
    ) throws -> (count: Int, tag: SecretStreamTag) {
        guard !finished else { throw CryptoError.streamFinished("secretstream pull") }
        guard chunk.count >= SecretStream.overheadCount else {
            throw CryptoError.invalidLength("secretstream chunk", expected: SecretStream.overheadCount, actual: chunk.count)
        }
        let plainCount = chunk.count - SecretStream.overheadCount
        guard output.count >= plainCount else {
            throw CryptoError.invalidLength("secretstream output buffer", expected: plainCount, actual: output.count)
        }
        // libsodium needs a valid pointer even for an empty plaintext.
        var scratch: UInt8 = 0
        var written: UInt64 = 0
        var tag: UInt8 = 0
        let status = withUnsafeMutablePointer(to: &scratch) { scratchPointer in
            let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? scratchPointer
            return crypto_secretstream_xchacha20poly1305_pull(
                state.pointer,
                out,
                &written,
                &tag,
                chunk.bytePointer,
                UInt64(chunk.count),
                additionalData.bytePointer,
                UInt64(additionalData.count)
            )
        }
        guard status == 0 else { throw CryptoError.authenticationFailed("secretstream chunk") }
        let result = SecretStreamTag(rawValue: tag)
        if result == .final { finished = true }
        return (Int(written), result)
    }

    /// Decrypts one chunk and returns its plaintext and tag.
    public func pull(
        _ chunk: some ContiguousBytes,
        additionalData: some ContiguousBytes = [UInt8]()
    ) throws -> (plaintext: [UInt8], tag: SecretStreamTag) {
        try chunk.withUnsafeBytes { chunkBuffer in
            try additionalData.withUnsafeBytes { adBuffer in
                var output = [UInt8](repeating: 0, count: max(0, chunkBuffer.count - SecretStream.overheadCount))
                let (count, tag) = try output.withUnsafeMutableBytes { try pull(chunkBuffer, additionalData: adBuffer, into: $0) }
                precondition(count == output.count, "secretstream returned an unexpected length")
                return (output, tag)
            }
        }
    }
}
