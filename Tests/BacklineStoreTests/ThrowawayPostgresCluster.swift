import BacklineCore
import Foundation

/// A private PostgreSQL cluster for one test that restarts the server (so the shared cluster of
/// scripts/with-postgres.sh, used by tests running in parallel, is never disturbed). Uses the
/// binaries in `BACKLINE_PG_BIN`; runs them as `postgres` when the tests run as root.
final class ThrowawayPostgresCluster {
    let directory: String
    let port: Int
    private let binaries: String

    var url: String { "postgresql://\(superuser)@127.0.0.1:\(port)/postgres" }
    private var superuser: String { getuid() == 0 ? "postgres" : (ProcessInfo.processInfo.environment["USER"] ?? "postgres") }

    init() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let binaries = environment["BACKLINE_PG_BIN"] else { throw ClusterError.failed("BACKLINE_PG_BIN is not set") }
        self.binaries = binaries
        directory = "/tmp/backline-pg-test." + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        port = Int.random(in: 20_000...60_000)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        if getuid() == 0 { try ToolRunner.check("/bin/chown", ["postgres:postgres", directory]) }
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
            try ToolRunner.check("/usr/sbin/runuser", ["-u", "postgres", "--", binaries + "/" + tool] + arguments)
        } else {
            try ToolRunner.check(binaries + "/" + tool, arguments)
        }
    }

    enum ClusterError: Error { case failed(String) }
}
