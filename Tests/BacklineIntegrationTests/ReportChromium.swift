import Foundation

/// Headless Chromium (Debian's `chromium` package) for report render tests: screenshots and the DOM
/// after load. A missing browser is an error, never a reason to skip.
enum ReportChromium {
    struct Run {
        let status: Int32
        let output: String
        let errors: String
    }

    /// The browser's path, searched in PATH (`chromium`, then `chromium-browser`).
    static var path: String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin"]
        for name in ["chromium", "chromium-browser"] {
            for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }

    /// Runs Chromium headless on `file` with `extra` arguments (`--screenshot=…` or `--dump-dom`),
    /// with its profile in `profile`, killed after 90 s.
    static func run(_ browser: String, file: String, profile: String, _ extra: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments =
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile)", "--window-size=1200,2400",
            ] + extra + ["file://\(file)"]
        let outFile = profile + "/stdout.txt"
        let errFile = profile + "/stderr.txt"
        _ = FileManager.default.createFile(atPath: outFile, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outFile))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            output: (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        )
    }

    /// Lines of Chromium's standard error that report a page error or a failed load.
    static func pageErrors(_ errors: String) -> [Substring] {
        errors.split(separator: "\n").filter { $0.contains("Uncaught") || $0.contains("ERR_") }
    }

    /// Width and height from a PNG's IHDR chunk, if `bytes` is a PNG.
    static func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count > 24, bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        func be32(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }

    /// How many start tags in `dom` carry the class word `mark`.
    static func markCount(_ dom: String) -> Int {
        let regex = try! NSRegularExpression(pattern: "<(circle|rect)\\b[^>]*\\bclass=\"([^\"]*)\"")
        return regex.matches(in: dom, range: NSRange(dom.startIndex..., in: dom)).filter { match in
            (dom as NSString).substring(with: match.range(at: 2)).split(separator: " ").contains("mark")
        }.count
    }
}
