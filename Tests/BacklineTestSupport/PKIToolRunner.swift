public import Foundation

/// Runs an outside tool (`openssl`, `curl`, `sslscan`, `testssl`) with a time limit, capturing
/// both output streams. Test support only: production code never shells out.
public enum PKIToolRunner {
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
    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, timeout: TimeInterval = 20,
        environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: resolve(executable))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        let outData = PipeCollector(out.fileHandleForReading)
        let errData = PipeCollector(err.fileHandleForReading)
        if let input { inPipe.fileHandleForWriting.write(input) }
        try? inPipe.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                process.terminate()
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, standardOutput: outData.finish(), standardError: errData.finish(), timedOut: timedOut)
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

/// Reads a pipe to its end on a background thread.
private final class PipeCollector: @unchecked Sendable {
    // @unchecked: `data` is written by the reader thread before `done` is signalled and read after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
        thread.start()
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
