import Foundation

/// The peer of the service benchmark: Flower 1.42's legacy API (`start_server` +
/// `start_client`, gRPC), run by ../shared/bench/flower_rounds.py from a venv outside the
/// repository. If the venv cannot be made or the script fails, the figures measured earlier on a
/// machine like this one are read from ../shared/bench/flower_rounds.md and marked as such.
enum ServiceBenchFlower {
    /// One client count's figures.
    struct Figures {
        let clients: Int
        let medianRoundSeconds: Double
        let serverPeakRSSMegabytes: Double?
        let loopbackBytes: Double?
        /// Measured in this run (false: read from the reference table).
        let measured: Bool
    }

    static let venv = NSHomeDirectory() + "/.venvs/flower"
    static let script = "../shared/bench/flower_rounds.py"
    static let referenceTable = "../shared/bench/flower_rounds.md"

    /// Flower's figures for each of `clients`, measured now if possible; keys are client counts.
    /// `BACKLINE_SERVICE_BENCH_PEER=reference` skips the measurement (quick runs while working on
    /// Backline's side); the figures are then marked as not measured, as on a failed install.
    static func run(clients: [Int], scratch: String, reporter: BenchReporter) -> [Int: Figures] {
        let skip = ProcessInfo.processInfo.environment["BACKLINE_SERVICE_BENCH_PEER"] == "reference"
        if !skip && ensureVenv(reporter) {
            reporter.progress("running Flower 1.42 (legacy API) for \(clients) clients, 5 rounds each (a few minutes)")
            let basePort = 30_000 + Int(getpid()) % 20_000
            let arguments = [venv + "/bin/python", script, "--clients"] + clients.map(String.init)
                + ["--rounds", "5", "--base-port", String(basePort), "--out-dir", scratch + "/flower", "--log-dir", scratch + "/flower/logs"]
            if let output = try? ModelBenchPeer.shell(arguments, environment: ["FLWR_TELEMETRY_ENABLED": "0", "FLWR_DISABLE_UPDATE_CHECK": "1"]) {
                let measured = parse(output)
                if Set(measured.keys) == Set(clients) { return measured }
                reporter.progress("Flower printed figures for \(measured.keys.sorted()) only")
            } else {
                reporter.progress("Flower's script failed")
            }
        }
        reporter.progress("Flower NOT measured in this run: using the reference figures of \(referenceTable)")
        reporter.emit("flower_not_measured_using_reference_table", 1, "flag")
        return reference()
    }

    /// Figures from the orchestrator's JSON lines (one per client count).
    static func parse(_ output: String) -> [Int: Figures] {
        var figures: [Int: Figures] = [:]
        for line in output.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let clients = object["n_clients"] as? Int, let median = object["median_round_s"] as? Double
            else { continue }
            figures[clients] = Figures(
                clients: clients, medianRoundSeconds: median, serverPeakRSSMegabytes: object["server_peak_rss_mb"] as? Double,
                loopbackBytes: object["median_lo_bytes"] as? Double, measured: true)
        }
        return figures
    }

    /// The legacy-API table of the reference file: `| clients | median s | min–max | MB | MB |`.
    static func reference() -> [Int: Figures] {
        guard let text = try? String(contentsOfFile: referenceTable, encoding: .utf8) else { return [:] }
        var figures: [Int: Figures] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, let clients = Int(cells[0]), figures[clients] == nil,
                let median = Double(cells[1].split(separator: " ").first ?? "")
            else { continue }
            let megabytes = { (cell: String) in Double(cell.split(separator: " ").first ?? "") }
            figures[clients] = Figures(
                clients: clients, medianRoundSeconds: median, serverPeakRSSMegabytes: megabytes(cells[4]),
                loopbackBytes: megabytes(cells[3]).map { $0 * 1e6 }, measured: false)
        }
        return figures
    }

    private static func ensureVenv(_ reporter: BenchReporter) -> Bool {
        let python = venv + "/bin/python"
        if FileManager.default.isExecutableFile(atPath: python), (try? ModelBenchPeer.shell([python, "-c", "import flwr, numpy"])) != nil {
            return true
        }
        reporter.progress("creating \(venv) with flwr==1.42.0 numpy==2.4.6 from PyPI")
        return (try? ModelBenchPeer.shell(["/usr/bin/python3", "-m", "venv", venv])) != nil
            && (try? ModelBenchPeer.shell([venv + "/bin/pip", "install", "-q", "flwr==1.42.0", "numpy==2.4.6"])) != nil
    }
}
