import Foundation

/// Runs the built `backline` executable, as a user would, and captures what it printed.
public enum BuiltBinary {
    /// What one run printed and returned.
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// Path of the debug or release binary beside the test bundle (`.build/<config>/backline`).
    public static var path: String {
        let bundle = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [bundle.appendingPathComponent("backline").path, ".build/debug/backline"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return ".build/debug/backline"
    }

    /// Runs `backline arguments…` with optional standard input and extra environment.
    public static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        let errorData = LockedData()
        let reader = Thread { errorData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.done { usleep(1000) }
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errorData.value, as: UTF8.self)
        )
    }
}

private final class LockedData: @unchecked Sendable {
    // @unchecked: guarded by lock.
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    var done: Bool { lock.withLock { finished } }
    var value: Data { lock.withLock { data } }
    func set(_ newValue: Data) {
        lock.withLock {
            data = newValue
            finished = true
        }
    }
}
