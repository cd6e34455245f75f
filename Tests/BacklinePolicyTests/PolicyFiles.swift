import BacklinePolicy
import BacklineTestSupport
import Foundation

/// Paths of the repository's policy files and helpers to write variants of them.
enum PolicyFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let federation = root.appendingPathComponent("Policies/federation.policy").path
    static let federationTable = root.appendingPathComponent("Policies/tests/federation.table").path

    static func federationText() throws -> String { try String(contentsOfFile: federation, encoding: .utf8) }

    /// Writes `text` to `name` in `directory` and returns the path.
    static func write(_ text: String, to name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// SHA-256 of a file, by the system's sha256sum (independent of the code under test).
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }
}
