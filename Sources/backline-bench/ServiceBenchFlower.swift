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
    /// Whether Flower can be measured: the venv exists with flwr and numpy, or was just made
    /// (`pip install flwr==1.42.0 numpy==2.4.6`). `BACKLINE_SERVICE_BENCH_PEER=reference` says no
    /// (quick runs while working on Backline's side); the table's figures are then used, marked.
    static func isAvailable(_ reporter: BenchReporter) -> Bool {
        if ProcessInfo.processInfo.environment["BACKLINE_SERVICE_BENCH_PEER"] == "reference" { return false }
        return ensureVenv(reporter)
    }

    /// Flower's figures for `clients` clients (5 rounds), measured now when `measure` is true and
    /// the script succeeds, else the reference table's (marked as not measured).
    static func run(clients: Int, measure: Bool, scratch: String, reporter: BenchReporter) -> Figures? {
        if measure {
            reporter.progress("running Flower 1.42 (legacy API) with \(clients) clients, 5 rounds")
            let port = 30_000 + (Int(getpid()) + clients) % 20_000
            let arguments = [
                venv + "/bin/python", script, "--clients", String(clients), "--rounds", "5", "--base-port", String(port),
                "--out-dir", scratch + "/flower", "--log-dir", scratch + "/flower/logs",
            ]
            if let output = try? ModelBenchPeer.shell(
                arguments,
                environment: ["FLWR_TELEMETRY_ENABLED": "0", "FLWR_DISABLE_UPDATE_CHECK": "1"]
            ),
                let figures = parse(output)[clients]
            {
                return figures
            }
            reporter.progress("Flower's script failed for \(clients) clients")
        }
        reporter.progress("Flower NOT measured for \(clients) clients: using the reference figures of \(referenceTable)")
        reporter.emit("flower_not_measured_using_reference_table_\(clients)_clients", 1, "flag")
        return reference()[clients]
    }

    /// Figures from the orchestrator's JSON lines (one per client count).
    static func parse(_ output: String) -> [Int: Figures] {
        var figures: [Int: Figures] = [:]
        for line in output.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let clients = object["n_clients"] as? Int, let median = object["median_round_s"] as? Double
            else { continue }
            figures[clients] = Figures(
                clients: clients,
                medianRoundSeconds: median,
                serverPeakRSSMegabytes: object["server_peak_rss_mb"] as? Double,
                loopbackBytes: object["median_lo_bytes"] as? Double,
                measured: true
            )
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
                clients: clients,
                medianRoundSeconds: median,
                serverPeakRSSMegabytes: megabytes(cells[4]),
                loopbackBytes: megabytes(cells[3]).map { $0 * 1e6 },
                measured: false
            )
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
