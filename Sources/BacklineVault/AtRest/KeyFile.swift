internal import BacklineCore
public import BacklineCrypto

#if canImport(Glibc)
import Glibc
#endif

/// Key-encryption keys stored as files: exactly 32 raw bytes, mode 0600, owned by the user.
public enum KeyFile {
    /// Reads the 32-byte key at `path` straight into secure memory.
    /// - Throws: ``VaultAtRestError`` `keyFile` naming `path` when the file is missing, readable
    ///   or writable by group or others, empty, or not exactly 32 bytes.
    public static func read(_ path: String) throws -> SymmetricKey {
        do {
            try FileAccess.requireOwnerOnly(path)
        } catch let error as CoreError {
            throw VaultAtRestError.at(.keyFile, path, "key file refused: \(error.reason)", underlying: error)
        }
        let fd = try SystemCall.retrying("open", path: path) { open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        defer { close(fd) }
        var info = stat()
        try SystemCall.retrying("fstat", path: path) { fstat(fd, &info) }
        let size = Int(info.st_size)
        guard size != 0 else {
            throw VaultAtRestError.at(
                .keyFile,
                path,
                "key file is empty (0 bytes); it must hold exactly \(SymmetricKey.byteCount) raw bytes"
            )
        }
        guard size == SymmetricKey.byteCount else {
            throw VaultAtRestError.at(
                .keyFile,
                path,
                "key file has \(size) bytes; it must hold exactly \(SymmetricKey.byteCount) raw bytes"
            )
        }
        var filled = 0
        let bytes = try SecureBytes(unsafeUninitializedCapacity: SymmetricKey.byteCount) { buffer in
            while filled < buffer.count {
                let n = try SystemCall.retrying("read", path: path) { Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled) }
                if n == 0 { break }
                filled += n
            }
        }
        var probe: UInt8 = 0
        let extra = try SystemCall.retrying("read", path: path) { Glibc.read(fd, &probe, 1) }
        guard filled == SymmetricKey.byteCount, extra == 0 else {
            throw VaultAtRestError.at(.keyFile, path, "key file changed size while being read")
        }
        return try SymmetricKey(secureBytes: bytes)
    }

    /// Writes a fresh random 32-byte key to `path` (mode 0600, atomically) and returns it.
    /// - Throws: ``VaultAtRestError`` `vaultExists` if `path` already exists, or the write error.
    @discardableResult
    public static func generate(at path: String) throws -> SymmetricKey {
        guard !FileAccess.exists(path) else { throw VaultAtRestError.at(.vaultExists, path, "refusing to overwrite an existing key file") }
        let key = SymmetricKey()
        let writer = try AtomicFileWriter(path: path, mode: 0o600)
        do {
            try key.withUnsafeBytes { try writer.write($0) }
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
        return key
    }
}
