import Foundation

/// A throwaway Python venv under /tmp with numpy and safetensors, created on first use.
enum PythonVenv {
    static let path = "/tmp/backline-safetensors-venv"

    /// The venv's python, creating the venv and installing the packages if needed.
    static func safetensors() throws -> String {
        let python = path + "/bin/python"
        if FileManager.default.isExecutableFile(atPath: python), (try? run(python, ["-c", "import numpy, safetensors"]))?.status == 0 {
            return python
        }
        let created = try run("/usr/bin/python3", ["-m", "venv", path])
        guard created.status == 0 else { throw VenvError(message: "python3 -m venv failed: \(created.output)") }
        let installed = try run(path + "/bin/pip", ["install", "-q", "numpy", "safetensors"])
        guard installed.status == 0 else { throw VenvError(message: "pip install numpy safetensors failed: \(installed.output)") }
        return python
    }

    struct VenvError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Runs a program; returns its exit status and combined output.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
