import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn and reaped with waitpid (Foundation's Process can
/// miss a child's exit when several tests spawn at once, and a pipe to a child that leaves a
/// daemon behind never reaches its end). Standard output goes to /dev/null, standard error to
/// `errorPath` (or /dev/null).
final class SpawnedProcess: @unchecked Sendable {
    // @unchecked: `exitStatus` is only touched under `lock`.
    let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `path arguments…` with `environment` (the test's own when nil).
    init(_ path: String, _ arguments: [String], environment: [String: String]? = nil, errorPath: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let environmentLines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer { for line in envp { free(line) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard status == 0 else { throw Failure(message: "posix_spawn \(path) failed: errno \(status)") }
        self.pid = pid
    }

    /// The exit status (or 128 + signal) once the child has exited, else nil; never blocks.
    var status: Int32? { reap(options: WNOHANG) }

    /// Whether the child is still running.
    var isRunning: Bool { status == nil }

    /// Blocks until the child exits; its status.
    @discardableResult
    func wait() -> Int32 { reap(options: 0) ?? -1 }

    /// SIGKILL and reap.
    func kill9() {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        wait()
    }

    private func reap(options: Int32) -> Int32? {
        lock.withLock {
            if let exitStatus { return exitStatus }
            var raw: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &raw, options) } while result < 0 && errno == EINTR
            guard result == pid else { return nil }
            let signal = raw & 0x7f
            exitStatus = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            return exitStatus
        }
    }

    /// Runs `path arguments…` to its end; throws unless it exits 0, with what it wrote on standard error.
    static func check(_ path: String, _ arguments: [String]) throws {
        let errorPath = NSTemporaryDirectory() + "backline-spawn." + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let status = try SpawnedProcess(path, arguments, errorPath: errorPath).wait()
        guard status == 0 else {
            let message = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw Failure(message: "\(path) \(arguments.joined(separator: " ")) exited \(status): \(message)")
        }
    }

    /// A spawn or tool failure.
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
