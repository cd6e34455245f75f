import Foundation

/// A private PostgreSQL cluster for a test that restarts the server, so the shared cluster of
/// scripts/with-postgres.sh (used by tests running in parallel) is never disturbed. Uses the
/// binaries in `BACKLINE_PG_BIN`, run as `postgres` when the tests run as root.
/// (Same job as BacklineStoreTests' ThrowawayPostgresCluster, which this target cannot import.)
final class AggregatorPostgresCluster {
    let directory: String
    let port: Int
    private let binaries: String

    /// The libpq URL of the `postgres` database.
    var url: String { "postgresql://\(superuser)@127.0.0.1:\(port)/postgres" }
    private var superuser: String { getuid() == 0 ? "postgres" : (ProcessInfo.processInfo.environment["USER"] ?? "postgres") }

    /// initdb and start on a random port.
    init() throws {
        guard let binaries = ProcessInfo.processInfo.environment["BACKLINE_PG_BIN"] else { throw Failure(message: "BACKLINE_PG_BIN is not set") }
        self.binaries = binaries
        directory = "/tmp/backline-agg-pg." + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        port = Int.random(in: 20_000...60_000)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        if getuid() == 0 { try SpawnedProcess.check("/bin/chown", ["postgres:postgres", directory]) }
        try pg("initdb", ["-D", directory + "/data", "-U", superuser, "-A", "trust", "--no-sync", "-E", "UTF8"])
        try pg("pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-o",
                          "-c listen_addresses=127.0.0.1 -p \(port) -k \(directory) -c fsync=off", "start"])
    }

    /// `pg_ctl restart -m immediate`: the server dies without a clean shutdown and recovers.
    func restartImmediately() throws {
        try pg("pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-m", "immediate", "restart"])
    }

    deinit {
        try? pg("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func pg(_ tool: String, _ arguments: [String]) throws {
        if getuid() == 0 {
            try SpawnedProcess.check("/usr/sbin/runuser", ["-u", "postgres", "--", binaries + "/" + tool] + arguments)
        } else {
            try SpawnedProcess.check(binaries + "/" + tool, arguments)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
