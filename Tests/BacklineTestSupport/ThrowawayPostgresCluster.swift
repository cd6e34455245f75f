import Foundation

/// A private PostgreSQL cluster for one test that restarts the server (so the shared cluster of
/// scripts/with-postgres.sh, used by tests running in parallel, is never disturbed). Uses the
/// binaries in `BACKLINE_PG_BIN`; runs them as `postgres` when the tests run as root.
public final class ThrowawayPostgresCluster {
    /// The cluster's directory (data, log, socket).
    public let directory: String
    /// Its TCP port on 127.0.0.1.
    public private(set) var port: Int
    private let binaries: String

    /// The libpq URL of the `postgres` database.
    public var url: String { "postgresql://\(superuser)@127.0.0.1:\(port)/postgres" }
    private var superuser: String { getuid() == 0 ? "postgres" : (ProcessInfo.processInfo.environment["USER"] ?? "postgres") }

    /// initdb and start on a random port below the kernel's ephemeral range (32768–60999 here), so
    /// no client connection of the tests running beside it holds the port when the server (re)binds
    /// it; a port that is taken anyway (another throwaway cluster) is traded for another, 4 times.
    public init() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let binaries = environment["BACKLINE_PG_BIN"] else { throw ClusterError.failed("BACKLINE_PG_BIN is not set") }
        self.binaries = binaries
        directory = "/tmp/backline-pg-test." + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        port = Int.random(in: 20_000..<32_768)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        if getuid() == 0 { try Self.check("/bin/chown", ["postgres:postgres", directory]) }
        try pg("initdb", ["-D", directory + "/data", "-U", superuser, "-A", "trust", "--no-sync", "-E", "UTF8"])
        for attempt in 1...4 {
            do {
                try pg(
                    "pg_ctl",
                    [
                        "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-o",
                        "-c listen_addresses=127.0.0.1 -p \(port) -k \(directory) -c fsync=off", "start",
                    ]
                )
                break
            } catch {
                guard attempt < 4 else { throw error }
                port = Int.random(in: 20_000..<32_768)
            }
        }
    }

    /// `pg_ctl restart -m immediate`: the server dies without a clean shutdown and recovers.
    public func restartImmediately() throws {
        try pg("pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-m", "immediate", "restart"])
    }

    deinit {
        try? pg("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a PostgreSQL tool; a failure carries the end of the server's log, which says why.
    private func pg(_ tool: String, _ arguments: [String]) throws {
        do {
            if getuid() == 0 {
                try Self.check("/usr/sbin/runuser", ["-u", "postgres", "--", binaries + "/" + tool] + arguments)
            } else {
                try Self.check(binaries + "/" + tool, arguments)
            }
        } catch ClusterError.failed(let reason) {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw ClusterError.failed(reason + (log.isEmpty ? "" : "\nserver.log ends: " + log.suffix(600)))
        }
    }

    /// Runs `path arguments…`, throwing unless it exits 0.
    private static func check(_ path: String, _ arguments: [String]) throws {
        let result = try PKIToolRunner.run(path, arguments, timeout: 120)
        guard result.status == 0 else {
            throw ClusterError.failed("\(path) \(arguments.first ?? "") exited \(result.status): \(result.standardError.suffix(300))")
        }
    }

    /// Why the cluster could not be made or driven.
    public enum ClusterError: Error { case failed(String) }
}
