public import Foundation

/// Runs an outside tool (`openssl`, `curl`, `sslscan`, `testssl`) with a time limit, capturing
/// both output streams. Test support only: production code never shells out.
public enum PKIToolRunner {
    private static let spawnLock = NSLock()

    /// What one run printed and returned.
    public struct Result: Sendable {
        /// Exit status (or 137-ish when killed at the time limit).
        public let status: Int32
        /// Standard output.
        public let standardOutput: String
        /// Standard error.
        public let standardError: String
        /// Whether the time limit killed it.
        public let timedOut: Bool
        /// Both streams, for searching.
        public var combined: String { standardOutput + "\n" + standardError }
    }

    /// Runs `executable` (a path or a name looked up in /usr/bin, /usr/sbin, /bin) with `arguments`.
    /// Uses posix_spawn and waitpid directly, so a hung tool is killed (SIGKILL) at `timeout`.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        input: Data? = nil,
        timeout: TimeInterval = 20,
        environment: [String: String] = [:]
    ) throws -> Result {
        // One spawn at a time, and close-on-exec pipes, so no child inherits another run's pipe ends.
        spawnLock.lock()
        var spawnLocked = true
        defer { if spawnLocked { spawnLock.unlock() } }
        var stdinPipe: [Int32] = [0, 0]
        var stdoutPipe: [Int32] = [0, 0]
        var stderrPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0, pipe(&stderrPipe) == 0 else {
            throw NSError(domain: "PKIToolRunner", code: Int(errno))
        }
        for fd in stdinPipe + stdoutPipe + stderrPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        for fd in stdinPipe + stdoutPipe + stderrPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let path = resolve(executable)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for argument in argv { free(argument) }
            for line in envp { free(line) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        spawnLock.unlock()
        spawnLocked = false
        guard spawned == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            close(stderrPipe[0])
            throw NSError(domain: "PKIToolRunner", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot run \(path)"])
        }
        let outData = PipeCollector(stdoutPipe[0])
        let errData = PipeCollector(stderrPipe[0])
        signal(SIGPIPE, SIG_IGN)
        if let input, !input.isEmpty {
            _ = input.withUnsafeBytes { write(stdinPipe[1], $0.baseAddress, $0.count) }
        }
        close(stdinPipe[1])
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var timedOut = false
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { break }
            if Date() > deadline && !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(5_000)
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, standardOutput: outData.finish(), standardError: errData.finish(), timedOut: timedOut)
    }

    /// Whether `executable` is installed.
    public static func isInstalled(_ executable: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: resolve(executable))
    }

    static func resolve(_ executable: String) -> String {
        if executable.hasPrefix("/") { return executable }
        for directory in ["/usr/bin", "/usr/sbin", "/bin", "/usr/local/bin"] {
            let candidate = directory + "/" + executable
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/" + executable
    }
}

/// Reads a pipe to its end on a background thread, then closes it.
private final class PipeCollector: @unchecked Sendable {
    // @unchecked: `data` is written by the reader thread before `done` is signalled and read after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ descriptor: Int32) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                data.append(contentsOf: buffer[0..<count])
            }
            close(descriptor)
            done.signal()
        }
        thread.start()
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
