#if canImport(Glibc)
import Glibc
#endif

/// Runs an external tool with posix_spawn and waits with waitpid (Foundation's Process can miss
/// a child's exit when several tests spawn at once). Output goes to /dev/null.
enum ToolRunner {
    /// Runs `path arguments…` and returns its exit status (or 128 + signal).
    @discardableResult
    static func run(_ path: String, _ arguments: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard status == 0 else { throw ToolError.spawnFailed(path, status) }
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) < 0 {
            guard errno == EINTR else { throw ToolError.spawnFailed(path, errno) }
        }
        let signal = exit & 0x7f
        return signal == 0 ? (exit >> 8) & 0xff : 128 + signal
    }

    /// Like ``run(_:_:)`` but throws unless the tool exits 0.
    static func check(_ path: String, _ arguments: [String]) throws {
        let status = try run(path, arguments)
        guard status == 0 else { throw ToolError.failed(path, arguments.first ?? "", status) }
    }

    enum ToolError: Error {
        case spawnFailed(String, Int32)
        case failed(String, String, Int32)
    }
}
