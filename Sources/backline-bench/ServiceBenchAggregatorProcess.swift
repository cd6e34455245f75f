import Foundation

/// `backline aggregator serve --config FILE` as a child process (so its own peak memory can be
/// read from `/proc/<pid>/status`), its log in a file next to the configuration. Stopped with
/// SIGTERM by its pid (graceful shutdown), SIGKILL if it has not exited 15 s later.
final class ServiceBenchAggregatorProcess {
    /// The release CLI the benchmark starts (built by `make bench` with everything else).
    static let binary = ".build/release/backline"

    let port: UInt16
    private let process: Process
    private let logPath: String

    /// Starts the aggregator and waits (up to 60 s) until it says where it listens.
    init(configuration: String) throws {
        logPath = configuration + ".log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["aggregator", "serve", "--config", configuration]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()
        let deadline = Date().addingTimeInterval(60)
        var found: UInt16?
        while found == nil && process.isRunning && Date() < deadline {
            usleep(50_000)
            found = Self.listeningPort(in: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw ServiceBenchFailure(step: "start \(Self.binary)", detail: "no 'listening on' line; log: \(Self.tail(of: logPath))")
        }
        port = found
    }

    var pid: Int32 { process.processIdentifier }

    /// The child's peak resident memory so far (VmHWM), in bytes; nil once it has exited.
    func peakResidentBytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Double($0) }.map { $0 * 1024 }
        }
        return nil
    }

    /// The last lines of its log.
    var logTail: String { Self.tail(of: logPath) }

    private static func tail(of path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(8).joined(separator: "\n")
    }

    /// Stops it and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { stop() }

    /// The port of the CLI's `listening on 127.0.0.1:PORT` line, if present.
    static func listeningPort(in log: String) -> UInt16? {
        guard let range = log.range(of: "listening on 127.0.0.1:") else { return nil }
        let digits = log[range.upperBound...].prefix { $0.isNumber }
        return UInt16(digits)
    }
}
