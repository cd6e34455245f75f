import BacklineTestSupport
import Foundation
import Synchronization
import Testing

/// Root with `ip` (always true in CI, where a skip would hide a failure).
private let netnsAvailable = ProcessInfo.processInfo.environment["CI"] == "true" || (getuid() == 0 && PKIToolRunner.isInstalled("ip"))

/// `Deploy/netns/federation.sh` for real (root: CI runs the tests as root): a federation across
/// network namespaces with the aggregator on PostgreSQL in its own namespace. Each check performs
/// the access and looks at the answer; everything is torn down afterwards, even on failure.
@Suite(.serialized, .enabled(if: netnsAvailable, "needs root and iproute2 (CI runs tests as root)"))
struct NetnsFederationTests {
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Deploy/netns/federation.sh").path

    /// A namespace prefix of this process's own, so neither a federation someone runs by hand (prefix
    /// `bl`) nor this test running in another checkout at the same time is touched.
    private static let prefix = "blt\(getpid())"

    @Test func federationAcrossNamespacesServesMutualTLSHidesPostgresAndCompletesARound() throws {
        let directory = try TemporaryDirectory(prefix: "backline-netns")
        // PostgreSQL runs as the postgres user, which must reach its data directory inside.
        chmod(directory.path, 0o755)
        let state = directory.file("state")
        let environment = [
            "BL_PREFIX": Self.prefix, "BL_STATE_DIR": state, "BL_PROMOTERS": "3", "BL_MEMBERS": "120",
            "BACKLINE": absolute(BuiltBinary.path),
        ]
        func script(_ command: String, timeout: TimeInterval = 240) throws -> PKIToolRunner.Result {
            try PKIToolRunner.run("/bin/bash", [Self.script, command], timeout: timeout, environment: environment)
        }
        defer { _ = try? script("down", timeout: 60) }
        let up = try script("up")
        try #require(up.status == 0, "federation.sh up failed:\n\(up.combined)")
        let settings = Self.parse(try script("env").standardOutput)
        let keys = try #require(settings["BL_KEYS"])
        let aggregator = try #require(settings["BL_AGGREGATOR"])
        let pgIP = try #require(settings["BL_PG_IP"])
        let pgBin = try #require(settings["BL_PG_BIN"])
        let promoter = "\(Self.prefix)-p1"
        let aggregatorNamespace = "\(Self.prefix)-agg"

        func curl(from namespace: String, _ arguments: [String]) throws -> PKIToolRunner.Result {
            try PKIToolRunner.run(
                "ip",
                [
                    "netns", "exec", namespace, "curl", "--silent", "--show-error", "--max-time", "10", "--tlsv1.3",
                    "--cacert", keys + "/ca.cert.pem",
                ] + arguments,
                timeout: 30
            )
        }
        /// `sql` run by the database superuser over the Unix socket in the PostgreSQL namespace; its output, trimmed.
        func psql(_ sql: String) throws -> String {
            try PKIToolRunner.run(
                "ip",
                [
                    "netns", "exec", "\(Self.prefix)-pg", "runuser", "-u", "postgres", "--", pgBin + "/psql", "-h", state + "/pg/sock",
                    "-p", "5432",
                    "-U", "postgres", "-d", "backline", "-tAc", sql,
                ],
                timeout: 30
            )
            .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func asPeer(_ role: String, _ name: String) -> [String] {
            ["--cert", "\(keys)/\(role)-\(name).cert.pem", "--key", "\(keys)/\(role)-\(name).key.pem"]
        }

        // A promoter reaches the aggregator across the bridge over mutual TLS (host name checked: the
        // aggregator's certificate carries its address).
        let health = try curl(from: promoter, asPeer("promoter", "p1") + ["\(aggregator)/healthz"])
        #expect(health.status == 0, "\(health.combined)")
        #expect(health.standardOutput.contains(#""status":"ok""#))
        // Without a client certificate the handshake is refused: no HTTP answer at all.
        let anonymous = try curl(from: promoter, ["--write-out", "%{http_code}", "\(aggregator)/healthz"])
        #expect(anonymous.status != 0)
        #expect(!anonymous.standardOutput.contains("ok"))
        #expect(anonymous.standardOutput.hasSuffix("000"))
        // The operator opens a round; the aggregator keeps it in PostgreSQL in the other namespace.
        let opened = try curl(from: aggregatorNamespace, asPeer("operator", "ops") + ["--request", "POST", "\(aggregator)/v1/rounds"])
        #expect(opened.status == 0 && opened.standardOutput.contains(#""round":1"#), "\(opened.combined)")
        #expect(try psql("SELECT count(*) FROM rounds") == "1")

        // PostgreSQL answers the aggregator's namespace and nobody else.
        let fromAggregator = try PKIToolRunner.run(
            "ip",
            ["netns", "exec", aggregatorNamespace, pgBin + "/pg_isready", "-h", pgIP, "-p", "5432", "-t", "3"],
            timeout: 30
        )
        #expect(fromAggregator.status == 0, "\(fromAggregator.combined)")
        let fromPromoter = try PKIToolRunner.run(
            "ip",
            ["netns", "exec", promoter, pgBin + "/pg_isready", "-h", pgIP, "-p", "5432", "-t", "3"],
            timeout: 30
        )
        #expect(fromPromoter.status != 0, "a promoter namespace reached PostgreSQL: \(fromPromoter.combined)")

        // The rate-limited link.
        let qdisc = try PKIToolRunner.run("ip", ["netns", "exec", promoter, "tc", "qdisc", "show", "dev", "eth0"], timeout: 30)
        #expect(qdisc.standardOutput.contains("tbf"))

        // The script's own checks agree.
        let check = try script("check", timeout: 120)
        #expect(check.status == 0, "\(check.combined)")

        // A round across namespaces: `backline node run` in each promoter namespace, round 2 (round 1
        // was opened above and is closed first: no update, so it fails and publishes nothing), every
        // promoter a contributor, the model published. p1's link is down for the first 4 s of it
        // (SECURITY-TESTS 57, scaled from 30 s to 4 s): p1 retries at a bounded pace and still gets in.
        let closeFirst = try curl(
            from: aggregatorNamespace,
            asPeer("operator", "ops") + ["--request", "POST", "\(aggregator)/v1/rounds/1/close"]
        )
        #expect(closeFirst.standardOutput.contains(#""state":"failed""#), "\(closeFirst.combined)")
        let cut = try PKIToolRunner.run("/bin/bash", [Self.script, "link", "1", "down"], environment: environment)
        #expect(cut.status == 0, "\(cut.combined)")
        let reconnect = Thread {
            Thread.sleep(forTimeInterval: 4)
            _ = try? PKIToolRunner.run("/bin/bash", [Self.script, "link", "1", "up"], environment: environment)
        }
        reconnect.start()
        // And PostgreSQL crashes and restarts while the round is open (SECURITY-TESTS 55).
        let restarted = Mutex<PKIToolRunner.Result?>(nil)
        let crash = Thread {
            Thread.sleep(forTimeInterval: 1.5)
            let result = try? PKIToolRunner.run("/bin/bash", [Self.script, "pg-restart"], timeout: 60, environment: environment)
            restarted.withLock { $0 = result }
        }
        crash.start()
        let run = try script("run", timeout: 300)
        #expect(run.status == 0, "federation.sh run failed:\n\(run.combined)")
        #expect(run.standardError.contains(#""contributors":["p1","p2","p3"]"#), "\(run.combined)")
        #expect(restarted.withLock { $0?.status } == 0, "pg-restart: \(String(describing: restarted.withLock { $0?.combined }))")
        // Nothing lost, nothing doubled: one stored update per promoter in round 2, one model published.
        let stored = try psql("SELECT promoter_id || ':' || count(*) FROM updates WHERE round_id = 2 GROUP BY promoter_id ORDER BY 1")
        #expect(stored == "p1:1\np2:1\np3:1", "\(stored)")
        #expect(try psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM models") == "1")
        let promoterDirectory = try #require(settings["BL_PROMOTER_DIR"])
        let p1Log = try String(contentsOfFile: promoterDirectory + "/p1/node.log", encoding: .utf8)
        let retries = p1Log.components(separatedBy: "retrying").count - 1
        #expect(retries >= 1 && retries <= 20, "p1 retried \(retries) times while its link was down:\n\(p1Log)")

        // down leaves nothing behind: no namespace, no process, no state.
        let aggregatorPID = try String(contentsOfFile: state + "/pids/aggregator", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let down = try script("down", timeout: 60)
        #expect(down.status == 0, "\(down.combined)")
        let namespaces = try PKIToolRunner.run("ip", ["netns", "list"]).standardOutput
        #expect(!namespaces.split(separator: "\n").contains { $0.hasPrefix("\(Self.prefix)-") }, "left: \(namespaces)")
        #expect(!Self.isRunning(aggregatorPID), "the aggregator (pid \(aggregatorPID)) still runs")
        #expect(!FileManager.default.fileExists(atPath: state))
        // And it is idempotent.
        #expect(try script("down", timeout: 60).status == 0)
    }

    /// Whether process `pid` exists and is not a zombie (an orphan's zombie waits for PID 1).
    private static func isRunning(_ pid: String) -> Bool {
        guard !pid.isEmpty, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[close...].hasPrefix(") Z")
    }

    private static func parse(_ text: String) -> [String: String] {
        var settings: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return settings
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
