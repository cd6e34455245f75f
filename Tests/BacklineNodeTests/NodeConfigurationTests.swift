import BacklineCore
import BacklineNode
import BacklineTestSupport
import Foundation
import Testing

@Suite struct NodeConfigurationTests {
    /// A directory with the files a configuration names, and the configuration's JSON as a dictionary.
    static func fixture() throws -> (TemporaryDirectory, [String: Any]) {
        let directory = try TemporaryDirectory(prefix: "backline-node-config")
        for name in ["cert.pem", "key.pem", "ca.pem", "vault.kek"] {
            _ = FileManager.default.createFile(atPath: directory.file(name), contents: Data("x".utf8))
        }
        try FileManager.default.createDirectory(atPath: directory.file("vault"), withIntermediateDirectories: true)
        let json: [String: Any] = [
            "name": "promoter-1", "federation": "fed.example",
            "aggregator": ["host": "127.0.0.1", "port": 8443, "name": "main"],
            "tls": ["certificate": directory.file("cert.pem"), "key": directory.file("key.pem"), "ca": directory.file("ca.pem")],
            "vault": directory.file("vault"), "key_file": directory.file("vault.kek"), "state_directory": directory.file("state"),
            "privacy": [
                "clip_norm": 1.0, "noise_multiplier": 1.1, "count_noise_multiplier": 2.0, "sampling_rate": 0.5,
                "budget_epsilon": 4.0, "budget_delta": 1e-6,
            ],
            "holdout_fraction": 0.2, "poll_seconds": 1.0, "threads": 2,
        ]
        return (directory, json)
    }

    static func write(_ json: [String: Any], in directory: TemporaryDirectory) throws -> String {
        let path = directory.file("node.json")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aCompleteConfigurationLoads() throws {
        let (directory, json) = try Self.fixture()
        let configuration = try NodeConfiguration.load(path: try Self.write(json, in: directory))
        #expect(configuration.name == "promoter-1")
        #expect(configuration.aggregator.port == 8443)
        #expect(configuration.privacy.samplingRate == 0.5)
        #expect(configuration.tls.crl == nil)
    }

    @Test func retrySettingsDefaultWhenLeftOutAndOneByOne() throws {
        let (directory, json) = try Self.fixture()
        #expect(try NodeConfiguration.load(path: try Self.write(json, in: directory)).effectiveRetry == NodeConfiguration.Retry())
        var partial = json
        partial["retry"] = ["max_attempts": 5]
        let loaded = try NodeConfiguration.load(path: try Self.write(partial, in: directory))
        #expect(loaded.effectiveRetry == NodeConfiguration.Retry(initialDelaySeconds: 0.5, maxDelaySeconds: 30, maxAttempts: 5))
    }

    @Test func theExampleDecodesOnceItsFilesExist() throws {
        let directory = try TemporaryDirectory(prefix: "backline-node-example")
        // The example's relative paths, created under the directory it is loaded from.
        var text = NodeConfiguration.exampleText
        for relative in ["Keys/promoter-1.cert.pem", "Keys/promoter-1.key.pem", "Keys/ca.cert.pem", "Keys/crl.pem", "keys/vault.kek"] {
            try FileManager.default.createDirectory(
                atPath: directory.file((relative as NSString).deletingLastPathComponent),
                withIntermediateDirectories: true
            )
            _ = FileManager.default.createFile(atPath: directory.file(relative), contents: Data("x".utf8))
            text = text.replacingOccurrences(of: "\"\(relative)\"", with: "\"\(directory.file(relative))\"")
        }
        try FileManager.default.createDirectory(atPath: directory.file("vault"), withIntermediateDirectories: true)
        text = text.replacingOccurrences(of: "\"vault\": \"vault\"", with: "\"vault\": \"\(directory.file("vault"))\"")
        try text.write(toFile: directory.file("node.json"), atomically: true, encoding: .utf8)
        let example = try NodeConfiguration.load(path: directory.file("node.json"))
        #expect(example.name == "promoter-1")
        #expect(example.retry == NodeConfiguration.Retry())
    }

    /// A broken configuration and the field its error must name.
    nonisolated(unsafe) static let broken: [(String, ([String: Any]) -> [String: Any])] = [
        (
            "name",
            {
                var json = $0
                json["name"] = "Promoter One"
                return json
            }
        ),
        (
            "aggregator.port",
            {
                var json = $0
                json["aggregator"] = ["host": "127.0.0.1", "port": 70000, "name": "main"]
                return json
            }
        ),
        (
            "aggregator.host",
            {
                var json = $0
                json["aggregator"] = ["host": "aggregator.example", "port": 1, "name": "main"]
                return json
            }
        ),
        (
            "privacy.noise_multiplier",
            {
                var json = $0
                var p = json["privacy"] as! [String: Any]
                p["noise_multiplier"] = 0.0
                json["privacy"] = p
                return json
            }
        ),
        (
            "privacy.sampling_rate",
            {
                var json = $0
                var p = json["privacy"] as! [String: Any]
                p["sampling_rate"] = 1.5
                json["privacy"] = p
                return json
            }
        ),
        (
            "holdout_fraction",
            {
                var json = $0
                json["holdout_fraction"] = 0.9
                return json
            }
        ),
        (
            "threads",
            {
                var json = $0
                json["threads"] = 0
                return json
            }
        ),
        (
            "key_file",
            {
                var json = $0
                json.removeValue(forKey: "key_file")
                return json
            }
        ),
        (
            "tls.certificate",
            {
                var json = $0
                json["tls"] = ["certificate": "/nonexistent/cert.pem", "key": "/dev/null", "ca": "/dev/null"]
                return json
            }
        ),
        (
            "vault",
            {
                var json = $0
                json["vault"] = "/nonexistent/vault"
                return json
            }
        ),
        (
            "retry.initial_delay_seconds",
            {
                var json = $0
                json["retry"] = ["initial_delay_seconds": 0]
                return json
            }
        ),
        (
            "retry.max_delay_seconds",
            {
                var json = $0
                json["retry"] = ["initial_delay_seconds": 5, "max_delay_seconds": 1]
                return json
            }
        ),
        (
            "retry.max_delay_seconds",
            {
                var json = $0
                json["retry"] = ["max_delay_seconds": 7200]
                return json
            }
        ),
        (
            "retry.max_attempts",
            {
                var json = $0
                json["retry"] = ["max_attempts": 0]
                return json
            }
        ),
        (
            "retry.max_attempts",
            {
                var json = $0
                json["retry"] = ["max_attempts": "many"]
                return json
            }
        ),
    ]

    @Test(arguments: 0..<broken.count)
    func aBrokenFieldIsNamedInTheError(index: Int) throws {
        let (directory, json) = try Self.fixture()
        let (field, breakIt) = Self.broken[index]
        let path = try Self.write(breakIt(json), in: directory)
        #expect { try NodeConfiguration.load(path: path) } throws: { error in
            guard let error = error as? NodeError else { return false }
            return error.code == .invalidConfiguration && error.reason.contains(path) && error.reason.contains(field)
        }
    }

    @Test func aFileThatIsNotJSONIsRefusedNamingIt() throws {
        let directory = try TemporaryDirectory(prefix: "backline-node-config")
        try "name = promoter".write(toFile: directory.file("node.json"), atomically: true, encoding: .utf8)
        #expect { try NodeConfiguration.load(path: directory.file("node.json")) } throws: { error in
            (error as? NodeError)?.reason.contains("node.json") == true
        }
    }
}
