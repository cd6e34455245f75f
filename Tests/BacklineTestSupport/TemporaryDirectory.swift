import Foundation

/// A directory under /tmp, removed when the value is released (or by ``remove()``).
public final class TemporaryDirectory: @unchecked Sendable {
    // @unchecked: immutable after init.
    /// Absolute path of the directory.
    public let path: String

    /// Creates a fresh directory named `prefix.XXXXXX`.
    public init(prefix: String = "backline-test") throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else {
            throw NSError(domain: "TemporaryDirectory", code: Int(errno))
        }
        path = String(cString: result)
    }

    /// `path/name`.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Deletes the directory and everything in it.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    deinit { remove() }
}
