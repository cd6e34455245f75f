import BacklineTestSupport
import Foundation
import Testing

/// A federation of real processes in a temporary directory: CA and certificates (aggregator
/// `main`, operator `ops`, promoters p0…p2), three small encrypted vaults, the federation's initial
/// model, and `backline aggregator serve` on a free port.
final class ProcessFederation: @unchecked Sendable {
    // @unchecked: the fields are set once in init; `processes` is only touched by the test's task.
    let directory: TemporaryDirectory
    let promoters = ["p0", "p1", "p2"]
    private(set) var port = 0
    private var processes: [Process] = []

    init() throws {
        directory = try TemporaryDirectory(prefix: "backline-node-run")
        try run(["pki", "init", "--federation", "fed.test", "--dir", file("Keys")])
        try run(["pki", "issue", "--role", "aggregator", "--name", "main", "--host", "127.0.0.1", "--dir", file("Keys")])
        try run(["pki", "issue", "--role", "operator", "--name", "ops", "--dir", file("Keys")])
        for name in promoters { try run(["pki", "issue", "--role", "promoter", "--name", name, "--dir", file("Keys")]) }
        try run(["data", "generate", "--out", file("csv"), "--promoters", "3", "--members", "120", "--artists", "60", "--seed", "3"])
        for (index, name) in promoters.enumerated() {
            try run(["data", "keygen", "--out", file("\(name).kek")])
            let csv = try FileManager.default.contentsOfDirectory(atPath: file("csv/promoter-\(index)")).sorted().map {
                file("csv/promoter-\(index)/\($0)")
            }
            try run(["data", "import", "--vault", file("vault-\(name)"), "--key-file", file("\(name).kek"), "--preset", "backline"] + csv)
        }
        try run([
            "federation", "init", "--vault", file("vault-p0"), "--key-file", file("p0.kek"), "--factors", "4", "--out",
            file("initial.safetensors"),
        ])
        try run(["aggregator", "keygen", "--out", file("Keys/audit.key"), "--origin", "fed.test/audit"])
    }

    deinit {
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func file(_ name: String) -> String { directory.file(name) }

    @discardableResult
    func run(_ arguments: [String]) throws -> BuiltBinary.Result {
        let result = try BuiltBinary.run(arguments)
        guard result.status == 0 else {
            throw TestFailure("backline \(arguments.prefix(2).joined(separator: " ")) failed: \(result.standardError)")
        }
        return result
    }

    /// Starts `backline arguments…` in the background, its standard error going to `log`.
    func start(_ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        processes.append(process)
        return process
    }

    /// Starts the aggregator (noise multiplier 1.0, FedAdam) and waits for its port.
    func startAggregator() throws {
        let configuration = """
            {"federation": "fed.test", "name": "main", "host": "127.0.0.1", "port": 0,
             "tls": {"certificate": "\(file("Keys/aggregator-main.cert.pem"))", "key": "\(file("Keys/aggregator-main.key.pem"))",
                     "ca": "\(file("Keys/ca.cert.pem"))", "crl": "\(file("Keys/crl.pem"))"},
             "policy": "\(Self.repositoryRoot)/Policies/federation.policy", "store": {"sqlite": "\(file("aggregator.db"))"},
             "audit_signing_key": "\(file("Keys/audit.key"))", "audit_origin": "fed.test/audit", "initial_model": "\(file("initial.safetensors"))",
             "round_defaults": {"min_clients": 3, "deadline_seconds": 120, "clip_norm": 1.0, "noise_multiplier": 1.0, "strategy": "fedadam",
                                "server_learning_rate": 0.1},
             "production": true}
            """
        try configuration.write(toFile: file("aggregator.json"), atomically: true, encoding: .utf8)
        _ = try start(["aggregator", "serve", "--config", file("aggregator.json")], log: file("aggregator.log"))
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let log = (try? String(contentsOfFile: file("aggregator.log"), encoding: .utf8)) ?? ""
            if let range = log.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression),
                let found = Int(log[range].split(separator: ":").last ?? "")
            {
                port = found
                return
            }
            usleep(50_000)
        }
        throw TestFailure("the aggregator did not start: \((try? String(contentsOfFile: file("aggregator.log"), encoding: .utf8)) ?? "")")
    }

    /// Writes `node-<name>.json` for promoter `name`, expecting the aggregator to be `server`.
    func writeNodeConfiguration(_ name: String, server: String = "main", budget: Double = 100) throws -> String {
        let path = file("node-\(name).json")
        let text = """
            {"name": "\(name)", "federation": "fed.test", "aggregator": {"host": "127.0.0.1", "port": \(port), "name": "\(server)"},
             "tls": {"certificate": "\(file("Keys/promoter-\(name).cert.pem"))", "key": "\(file("Keys/promoter-\(name).key.pem"))",
                     "ca": "\(file("Keys/ca.cert.pem"))", "crl": "\(file("Keys/crl.pem"))"},
             "vault": "\(file("vault-\(name)"))", "key_file": "\(file("\(name).kek"))", "state_directory": "\(file("state-\(name)"))",
             "privacy": {"clip_norm": 1.0, "noise_multiplier": 1.0, "count_noise_multiplier": 10.0, "sampling_rate": 1.0,
                         "budget_epsilon": \(budget), "budget_delta": 1e-6},
             "holdout_fraction": 0.2, "poll_seconds": 0.1, "threads": 1}
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `curl` as the operator: the HTTP status of `method path`.
    func operatorRequest(_ method: String, _ path: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, "--cacert", file("Keys/ca.cert.pem"),
            "--cert", file("Keys/operator-ops.cert.pem"), "--key", file("Keys/operator-ops.key.pem"), "https://127.0.0.1:\(port)\(path)",
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Int(String(decoding: data, as: UTF8.self)) ?? -1
    }

    /// The public status file of node `name`, if written.
    func status(_ name: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: file("state-\(name)/status.json")) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// Waits until `condition` holds (polling), or throws after `seconds`.
    func wait(_ what: String, seconds: Double = 120, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(100_000)
        }
        throw TestFailure("timed out waiting for \(what)")
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite(.serialized) struct NodeRunFederationTests {
    @Test func threeNodeProcessesTrainTwoRoundsOverMutualTLSAndKeepTheirStateInTheVault() throws {
        let federation = try ProcessFederation()
        try federation.startAggregator()
        let nodes = try federation.promoters.map { name in
            try federation.start(
                ["node", "run", "--config", try federation.writeNodeConfiguration(name), "--until-round", "2", "--idle-timeout", "60"],
                log: federation.file("node-\(name).log")
            )
        }
        for round in 1...2 {
            #expect(try federation.operatorRequest("POST", "/v1/rounds") == 201)
            try federation.wait("round \(round) submissions") {
                federation.promoters.allSatisfy { (federation.status($0)?["round"] as? Int) == round }
            }
            #expect(try federation.operatorRequest("POST", "/v1/rounds/\(round)/close") == 200)
            try federation.wait("model version \(round) taken in") {
                federation.promoters.allSatisfy { (federation.status($0)?["model_version"] as? Int) == round }
            }
        }
        for node in nodes {
            node.waitUntilExit()
            #expect(node.terminationStatus == 0)
        }
        for name in federation.promoters {
            let result = try federation.run(["node", "status", "--config", federation.file("node-\(name).json"), "--json"])
            let status = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            #expect(status["rounds_submitted"] as? Int == 2)
            #expect(status["model_version"] as? Int == 2)
            #expect(status["releases"] as? Int == 2)
            #expect((status["epsilon_spent"] as? Double ?? 0) > 0)
            let rounds = try #require(status["rounds"] as? [[String: Any]])
            #expect(rounds.map { $0["outcome"] as? String } == ["published", "published"])
            #expect(rounds.allSatisfy { ($0["validation_ndcg_at_10"] as? Double).map { $0 >= 0 && $0 <= 1 } == true })
        }
        // The query commands use the federated model with the node's own member factors from its vault.
        let similar = try federation.run([
            "similar", "--vault", federation.file("vault-p1"), "--key-file", federation.file("p1.kek"),
            "--model", federation.file("state-p1/model-latest.safetensors"), "--artist", "1", "--top", "3",
        ])
        #expect(similar.standardOutput.split(separator: "\n").count >= 3)
        // The vault holds the journal and the ledger encrypted: no plaintext JSON keys on disk.
        for entry in try FileManager.default.contentsOfDirectory(atPath: federation.file("vault-p1")) {
            let bytes = try #require(FileManager.default.contents(atPath: federation.file("vault-p1/\(entry)")))
            #expect(!String(decoding: bytes, as: UTF8.self).contains("receipt_id"))
            #expect(!String(decoding: bytes, as: UTF8.self).contains("cumulative"))
        }
    }

    @Test func aNodeRefusesAnAggregatorWithAnotherIdentityAndSpendsNothing() throws {
        let federation = try ProcessFederation()
        try federation.startAggregator()
        #expect(try federation.operatorRequest("POST", "/v1/rounds") == 201)
        let configuration = try federation.writeNodeConfiguration("p0", server: "impostor")
        let result = try BuiltBinary.run(["node", "run", "--config", configuration, "--until-round", "1", "--idle-timeout", "20"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("peer_rejected") || result.standardError.contains("impostor"))
        let status = try federation.run(["node", "status", "--config", configuration, "--json"])
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        #expect(fields["epsilon_spent"] as? Double == 0)
        #expect(fields["rounds_submitted"] as? Int == 0)
    }
}
