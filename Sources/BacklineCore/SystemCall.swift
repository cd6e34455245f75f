#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One wrapper for POSIX calls: retries on `EINTR`, turns `-1` into a ``CoreError`` with errno.
public enum SystemCall {
    /// Runs `body` until it does not fail with `EINTR`; throws on any other `-1` result.
    @discardableResult
    public static func retrying<T: FixedWidthInteger>(
        _ name: String,
        path: String = "-",
        _ body: () -> T,
        fileID: String = #fileID,
        line: UInt = #line
    ) throws -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw CoreError.systemCall(name, path: path, errno: code, fileID: fileID, line: line)
        }
    }

    /// Writes all of `bytes` to `descriptor`, retrying short writes and `EINTR`.
    /// - Throws: ``CoreError`` naming `path` when a write fails.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            offset += try retrying("write", path: path) { write(descriptor, bytes.baseAddress! + offset, bytes.count - offset) }
        }
    }

    /// `strerror` text for an errno value.
    public static func errorString(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
