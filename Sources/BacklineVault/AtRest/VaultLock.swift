internal import BacklineCore

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `<vault>/keys.lock`, held while the manifest is read, changed and
/// rewritten, so writers in several processes (or threads) never lose each other's entries.
/// Not re-entrant: never nest ``withLock(_:)`` calls.
struct VaultLock: Sendable {
    let path: String

    func withLock<R>(_ body: () throws -> R) throws -> R {
        let fd = try SystemCall.retrying("open", path: path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
        defer { close(fd) }
        try SystemCall.retrying("flock", path: path) { flock(fd, LOCK_EX) }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
