import Foundation

/// Runs shared/bench/peers_lastfm.py from a venv under /tmp (created from its requirements.txt
/// if missing) and collects implicit ALS's NDCG@10 and seconds per iteration.
enum ModelBenchPeer {
    struct Figures {
        var bestNDCG: Double?
        var ndcg64: Double?
        var secondsPerIteration1: Double?
        var secondsPerIteration2: Double?
    }

    static let venv = "/tmp/backline-model-venv"
    static let script = "../shared/bench/peers_lastfm.py"

    static func run(_ reporter: BenchReporter) -> Figures {
        var figures = Figures()
        guard ensureVenv(reporter) else {
            reporter.progress("peer unavailable (venv or pip failed)")
            reporter.emit("peer_unavailable", 1, "flag")
            return figures
        }
        reporter.progress("running the implicit peer (about a minute)")
        guard let output = try? shell([venv + "/bin/python", script], environment: ["OPENBLAS_NUM_THREADS": "1"]) else {
            reporter.progress("peer unavailable (script failed)")
            reporter.emit("peer_unavailable", 1, "flag")
            return figures
        }
        for line in output.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let name = object["peer"] as? String, let ndcg = object["ndcg10"] as? Double
            else { continue }
            let threads = object["threads"] as? Int
            let seconds = object["sec_per_iteration"] as? Double
            if name.hasPrefix("implicit-als f=128") { figures.bestNDCG = ndcg }
            if name.hasPrefix("implicit-als f=64") {
                figures.ndcg64 = ndcg
                if threads == 1 { figures.secondsPerIteration1 = seconds }
                if threads == 2 { figures.secondsPerIteration2 = seconds }
            }
            reporter.progress("peer: \(line)")
        }
        if let best = figures.bestNDCG { reporter.emit("peer_implicit_als_best_ndcg10", best, "ndcg") }
        if let s = figures.secondsPerIteration1 { reporter.emit("peer_implicit_als_f64_seconds_per_iteration_1thread", s, "s") }
        if let s = figures.secondsPerIteration2 { reporter.emit("peer_implicit_als_f64_seconds_per_iteration_2threads", s, "s") }
        return figures
    }

    private static func ensureVenv(_ reporter: BenchReporter) -> Bool {
        if FileManager.default.isExecutableFile(atPath: venv + "/bin/python"),
            (try? shell([venv + "/bin/python", "-c", "import implicit, scipy, numpy"])) != nil
        {
            return true
        }
        reporter.progress("creating \(venv) from requirements.txt")
        let requirements = (script as NSString).deletingLastPathComponent + "/requirements.txt"
        return (try? shell(["/usr/bin/python3", "-m", "venv", venv])) != nil
            && (try? shell([venv + "/bin/pip", "install", "-q", "-r", requirements])) != nil
    }

    /// Runs a program, returning its standard output; throws on a non-zero exit.
    static func shell(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: data, as: UTF8.self)
    }
}
