/// The on-disk layout of an encrypted vault.
///
/// A vault is a directory. Each data file `<name>.bkv` is
///
///     header (29 B) ‖ secretstream header (24 B) ‖ chunk 0 ‖ … ‖ chunk n-1
///
/// - header: magic `"BKLV"` (4 B) ‖ format version (1 B, only 1 supported) ‖ file id (16 random
///   bytes, stable per name) ‖ DEK generation (UInt32 LE, +1 on every rewrite) ‖ chunk size
///   (UInt32 LE, 64 KiB by default).
/// - chunk i: `crypto_secretstream_xchacha20poly1305` of the plaintext chunk (exactly chunk size
///   bytes, the last one may be shorter) plus 17 bytes (tag + MAC). Every chunk's additional data
///   is the whole 29-byte header, so the header is authenticated and chunks cannot move between
///   files. The last chunk carries `TAG_FINAL`; an empty file is one empty final chunk.
/// - size for n full chunks = 29 + 24 + n·(chunk size + 17).
///
/// Readers reject an unsupported version before any decryption, demand `TAG_FINAL` at end of
/// file ("truncated"), refuse bytes after it ("trailing data") and name the failing chunk.
///
/// Data keys (DEK, 32 random bytes, fresh for every write, so two encryptions of the same plaintext
/// differ) are not in the data file. They are wrapped in `<vault>/keys.manifest` (JSON, written
/// atomically under `<vault>/keys.lock`): per file, name, file id, DEK generation, KEK version, a
/// 24-byte nonce and the XChaCha20-Poly1305 ciphertext of the DEK with additional data
/// `file id ‖ DEK generation (LE) ‖ KEK version (LE) ‖ name (UTF-8)`. The name is bound as well
/// (beyond the minimum the design asked for) so two files' entries cannot be swapped by renaming.
/// Rotating the key-encryption key (KEK) rewrites only the manifest; data files stay
/// byte-identical. A wrapped DEK spliced into another file's entry fails to unwrap.
///
/// A writer first writes a temporary file, then adds its new entry to the manifest (keeping the
/// previous generation's), then fsyncs and renames the data file, then drops the old entry; a
/// crash at any point leaves either the old or the new file readable.
///
/// KEKs are versioned (1, 2, …) and come from a 32-byte key file (mode 0600) or from a passphrase
/// through Argon2id (salt and costs stored in the manifest, checked against a policy floor).
/// The manifest stores a check value (an AEAD tag over nothing, additional data
/// `"BKLV-KEK-CHECK" ‖ version`) so a wrong KEK is reported as such when the vault opens.
public enum VaultFileFormat {
    /// `"BKLV"`.
    public static let magic: [UInt8] = Array("BKLV".utf8)
    /// The version new files get.
    public static let currentVersion: UInt8 = 1
    /// Versions this build reads.
    public static let supportedVersions: Set<UInt8> = [1]
    /// Length of the plaintext header: magic 4 + version 1 + file id 16 + generation 4 + chunk size 4.
    public static let headerCount = 29
    /// Length of the file id.
    public static let fileIDCount = 16
    /// Default plaintext chunk size (64 KiB).
    public static let defaultChunkSize = 1 << 16
    /// Accepted chunk sizes (1 byte … 16 MiB), checked before any buffer is allocated.
    public static let chunkSizeRange: ClosedRange<Int> = 1...(1 << 24)
    /// Bytes the writer and reader move per system call (whole chunks, about 1 MiB).
    static let ioBatchSize = 1 << 20
    /// Data file suffix.
    public static let fileExtension = ".bkv"
    /// Name of the key manifest inside the vault directory.
    public static let manifestName = "keys.manifest"
    /// Name of the lock file serialising manifest updates.
    public static let lockName = "keys.lock"

    /// Size of the encrypted file for `plaintextCount` bytes in chunks of `chunkSize`.
    public static func encryptedSize(plaintextCount: Int, chunkSize: Int) -> Int {
        let chunks = max(1, (plaintextCount + chunkSize - 1) / chunkSize)
        return headerCount + 24 + plaintextCount + chunks * 17
    }
}
