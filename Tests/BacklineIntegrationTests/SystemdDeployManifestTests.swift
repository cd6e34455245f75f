import BacklineTestSupport
import Foundation
import Testing

/// The deployment files beside the systemd units that this machine cannot run (no container
/// engine, no cluster): the Kubernetes manifests render offline with `kubectl kustomize`, the
/// compose file parses, and no file under `Deploy/` holds key material.
@Suite struct SystemdDeployManifestTests {
    private static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Deploy").path

    @Test(.enabled(if: PKIToolRunner.isInstalled("kubectl") || ProcessInfo.processInfo.environment["CI"] == "true"))
    func kubernetesManifestsRenderTwoAggregatorReplicasOnPostgres() throws {
        let result = try PKIToolRunner.run("kubectl", ["kustomize", Self.deploy + "/kubernetes"], timeout: 60)
        try #require(result.status == 0, "\(result.combined)")
        let documents = result.standardOutput.components(separatedBy: "\n---\n")
        func document(kind: String, name: String) -> String? {
            documents.first { $0.contains("\nkind: \(kind)\n") && $0.contains("  name: \(name)\n") }
        }
        let deployment = try #require(document(kind: "Deployment", name: "backline-aggregator"))
        #expect(deployment.contains("replicas: 2"))
        #expect(deployment.contains("secretName: backline-aggregator-tls"))
        #expect(deployment.contains("readOnlyRootFilesystem: true"))
        #expect(document(kind: "StatefulSet", name: "backline-postgres") != nil)
        #expect(document(kind: "Service", name: "backline-aggregator") != nil)
        #expect(document(kind: "NetworkPolicy", name: "backline-postgres-from-aggregator-only") != nil)
        // Secrets are referenced, never defined here.
        #expect(!documents.contains { $0.contains("\nkind: Secret\n") })
        // The configuration the replicas read uses PostgreSQL with full certificate verification.
        let configuration = try #require(document(kind: "ConfigMap", name: "backline-aggregator"))
        #expect(configuration.contains("sslmode=verify-full"))
    }

    @Test func composeFileParsesWithPostgresOnAnInternalNetwork() throws {
        let check = """
            import sys, yaml
            compose = yaml.safe_load(open(sys.argv[1]))
            services = compose["services"]
            assert set(services) >= {"postgres", "aggregator", "node-p1", "node-p2"}, services.keys()
            assert compose["networks"]["storage"]["internal"] is True
            assert services["postgres"]["networks"] == ["storage"]
            assert "storage" not in services["node-p1"]["networks"]
            print("ok")
            """
        let result = try PKIToolRunner.run("python3", ["-c", check, Self.deploy + "/container/compose.yaml"], timeout: 30)
        #expect(result.status == 0 && result.standardOutput.contains("ok"), "\(result.combined)")
    }

    @Test func noFileUnderDeployHoldsKeyMaterial() throws {
        let files = try #require(FileManager.default.enumerator(atPath: Self.deploy)?.allObjects as? [String])
        #expect(files.count > 10)
        for file in files {
            let path = Self.deploy + "/" + file
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains("PRIVATE KEY-----"), "\(file) holds a private key")
            #expect(!text.contains("BEGIN CERTIFICATE"), "\(file) holds a certificate")
        }
    }
}
