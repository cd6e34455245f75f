internal import CSodium

/// Sizes of libsodium's `crypto_secretstream_xchacha20poly1305`, the chunked AEAD stream used
/// for files at rest. ``SecretStreamPusher`` encrypts, ``SecretStreamPuller`` decrypts.
public enum SecretStream {
    /// Length of the stream header written before the first chunk (24).
    public static let headerCount = Int(crypto_secretstream_xchacha20poly1305_headerbytes())
    /// Bytes each chunk adds to its plaintext: tag byte plus Poly1305 MAC (17).
    public static let overheadCount = Int(crypto_secretstream_xchacha20poly1305_abytes())
    /// Key length (32).
    public static let keyCount = Int(crypto_secretstream_xchacha20poly1305_keybytes())
    /// Largest plaintext one chunk may carry.
    public static let maximumMessageCount = Int(min(UInt64(Int.max), UInt64(crypto_secretstream_xchacha20poly1305_messagebytes_max())))
}
