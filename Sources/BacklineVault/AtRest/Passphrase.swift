public import BacklineCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads passphrases into ``SecureBytes`` without passing through `String`.
public enum Passphrase {
    /// The value of environment variable `name`, copied into secure memory.
    ///
    /// The process environment keeps its own copy, which this cannot wipe (best-effort); prefer
    /// ``read(file:)`` where possible.
    /// - Throws: ``VaultAtRestError`` `passphraseParameters` if the variable is unset or empty.
    public static func read(environmentVariable name: String) throws -> SecureBytes {
        guard let value = getenv(name) else {
            throw VaultAtRestError(code: .passphraseParameters, reason: "environment variable \(name) is not set")
        }
        let count = strlen(value)
        guard count > 0 else { throw VaultAtRestError(code: .passphraseParameters, reason: "environment variable \(name) is empty") }
        return SecureBytes(unsafeUninitializedCapacity: count) { buffer in
            buffer.copyMemory(from: UnsafeRawBufferPointer(start: value, count: count))
        }
    }

    /// The passphrase in the file at `path` (mode 0600, at most 1 KiB), without one trailing newline.
    /// - Throws: ``VaultAtRestError`` `keyFile` for a file readable by others, empty or too long.
    public static func read(file path: String) throws -> SecureBytes {
        do {
            try FileAccess.requireOwnerOnly(path)
        } catch let error as CoreError {
            throw VaultAtRestError.at(.keyFile, path, "passphrase file refused: \(error.reason)", underlying: error)
        }
        let fd = try SystemCall.retrying("open", path: path) { open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        defer { close(fd) }
        let limit = 1024
        var filled = 0
        var bytes = try SecureBytes(unsafeUninitializedCapacity: limit + 1) { buffer in
            while filled < buffer.count {
                let n = try SystemCall.retrying("read", path: path) { Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled) }
                if n == 0 { break }
                filled += n
            }
        }
        guard filled <= limit else { throw VaultAtRestError.at(.keyFile, path, "passphrase file is longer than \(limit) bytes") }
        var count = filled
        bytes.withUnsafeBytes { buffer in
            if count > 0, buffer[count - 1] == 0x0a { count -= 1 }
            if count > 0, buffer[count - 1] == 0x0d { count -= 1 }
        }
        guard count > 0 else { throw VaultAtRestError.at(.keyFile, path, "passphrase file is empty") }
        let result = bytes.withUnsafeBytes { SecureBytes(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        bytes.wipe()
        return result
    }
}
