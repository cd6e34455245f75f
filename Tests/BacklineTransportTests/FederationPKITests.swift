import BacklineCore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

/// The federation PKI built with OpenSSL's C API, checked with the `openssl` binary.
@Suite struct FederationPKITests {
    /// A fresh PKI; the directory lives as long as the returned scratch value.
    final class Scratch {
        let directory: TemporaryDirectory
        let pki: FederationPKI
        init(passphrase: SecureBytes?) throws {
            directory = try TemporaryDirectory(prefix: "backline-pki")
            pki = FederationPKI(directory: directory.file("Keys"))
            try pki.initialize(federation: "fed.test", passphrase: passphrase)
        }
    }

    @Test func issuesLeavesWithOneSPIFFEURIAndRoleFittingUsages() throws {
        let scratch = try Scratch(passphrase: nil)
        let pki = scratch.pki
        defer { withExtendedLifetime(scratch) {} }
        try pki.issue(role: .aggregator, name: "main", passphrase: nil)
        let promoter = try pki.issue(role: .promoter, name: "p1", days: 3, passphrase: nil)
        let server = try PKIToolRunner.run(
            "openssl",
            ["x509", "-noout", "-text", "-in", pki.certificatePath(role: .aggregator, name: "main")]
        )
        #expect(server.standardOutput.contains("URI:spiffe://fed.test/aggregator/main, DNS:localhost, IP Address:127.0.0.1"))
        #expect(server.standardOutput.contains("TLS Web Server Authentication"))
        #expect(server.standardOutput.contains("CA:FALSE"))
        let client = try PKIToolRunner.run("openssl", ["x509", "-noout", "-text", "-in", pki.certificatePath(role: .promoter, name: "p1")])
        #expect(client.standardOutput.components(separatedBy: "URI:").count == 2)
        #expect(client.standardOutput.contains("TLS Web Client Authentication"))
        #expect(!client.standardOutput.contains("TLS Web Server Authentication"))
        #expect(client.standardOutput.contains("Digital Signature"))
        #expect(promoter.notAfter.timeIntervalSince(promoter.notBefore) < 3 * 86_400 + 600)
        let serial = try PKIToolRunner.run(
            "openssl",
            ["x509", "-noout", "-serial", "-in", pki.certificatePath(role: .promoter, name: "p1")]
        )
        #expect(serial.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "serial=\(promoter.serial)")
        let verify = try PKIToolRunner.run(
            "openssl",
            [
                "verify", "-CAfile", pki.caCertificatePath, "-crl_check", "-CRLfile", pki.crlPath, "-purpose", "sslclient",
                pki.certificatePath(role: .promoter, name: "p1"),
            ]
        )
        #expect(verify.status == 0, "\(verify.combined)")
        #expect(try pki.readIndex().entries.map(\.serial).contains(promoter.serial))
    }

    @Test func aggregatorCertificatesCarryExtraHostsButNothingInjected() throws {
        let scratch = try Scratch(passphrase: nil)
        let pki = scratch.pki
        defer { withExtendedLifetime(scratch) {} }
        try pki.issue(role: .aggregator, name: "main", hosts: ["agg.example.org", "10.0.0.7"], passphrase: nil)
        let text = try PKIToolRunner.run(
            "openssl",
            ["x509", "-noout", "-ext", "subjectAltName", "-in", pki.certificatePath(role: .aggregator, name: "main")]
        )
        #expect(text.standardOutput.contains("DNS:agg.example.org, IP Address:10.0.0.7"))
        #expect(throws: TransportError.self) {
            try pki.issue(role: .aggregator, name: "b", hosts: ["x,URI:spiffe://fed.test/aggregator/evil"], passphrase: nil)
        }
        #expect(throws: TransportError.self) { try pki.issue(role: .promoter, name: "p1", hosts: ["agg.example.org"], passphrase: nil) }
    }

    @Test func keysAreOwnerOnly() throws {
        let scratch = try Scratch(passphrase: nil)
        let pki = scratch.pki
        defer { withExtendedLifetime(scratch) {} }
        try pki.issue(role: .promoter, name: "p1", passphrase: nil)
        try FileAccess.requireOwnerOnly(pki.caKeyPath)
        try FileAccess.requireOwnerOnly(pki.keyPath(role: .promoter, name: "p1"))
    }

    @Test func encryptedCAKeyNeedsTheRightPassphrase() throws {
        let passphrase = SecureBytes(Array("correct horse".utf8))
        let scratch = try Scratch(passphrase: passphrase)
        let pki = scratch.pki
        defer { withExtendedLifetime(scratch) {} }
        let head = try String(contentsOfFile: pki.caKeyPath, encoding: .utf8)
        #expect(head.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        #expect(throws: TransportError.self) { try pki.issue(role: .promoter, name: "p1", passphrase: nil) }
        #expect(throws: TransportError.self) { try pki.issue(role: .promoter, name: "p1", passphrase: SecureBytes(Array("wrong".utf8))) }
        try pki.issue(role: .promoter, name: "p1", passphrase: passphrase)
        let wrong = try PKIToolRunner.run("openssl", ["pkey", "-noout", "-in", pki.caKeyPath, "-passin", "pass:wrong"])
        #expect(wrong.status != 0)
        let right = try PKIToolRunner.run("openssl", ["pkey", "-noout", "-in", pki.caKeyPath, "-passin", "pass:correct horse"])
        #expect(right.status == 0)
    }

    @Test func revocationListsTheSerialAndOpenSSLRefusesTheCertificate() throws {
        let scratch = try Scratch(passphrase: nil)
        let pki = scratch.pki
        defer { withExtendedLifetime(scratch) {} }
        let entry = try pki.issue(role: .promoter, name: "p1", passphrase: nil)
        let revoked = try pki.revoke(serials: [entry.serial.lowercased()], passphrase: nil)
        #expect(revoked.map(\.serial) == [entry.serial])
        let crl = try PKIToolRunner.run("openssl", ["crl", "-noout", "-text", "-in", pki.crlPath])
        #expect(crl.standardOutput.contains("Serial Number: \(entry.serial)"))
        let verify = try PKIToolRunner.run(
            "openssl",
            [
                "verify", "-CAfile", pki.caCertificatePath, "-crl_check", "-CRLfile", pki.crlPath,
                pki.certificatePath(role: .promoter, name: "p1"),
            ]
        )
        #expect(verify.status != 0)
        #expect(verify.combined.contains("certificate revoked"))
        #expect(try pki.readIndex().entries.first?.status() == "revoked")
        #expect(try pki.serials(role: .promoter, name: "p1").isEmpty)
    }

    @Test func refusesToOverwriteACAOrIssueBadNames() throws {
        let scratch = try Scratch(passphrase: nil)
        let pki = scratch.pki
        defer { withExtendedLifetime(scratch) {} }
        #expect(throws: TransportError.self) { try pki.initialize(federation: "fed.test", passphrase: nil) }
        #expect(throws: TransportError.self) {
            try pki.issue(role: .promoter, name: "p1,URI:spiffe://fed.test/aggregator/x", passphrase: nil)
        }
        #expect(throws: TransportError.self) { try pki.issue(role: .promoter, name: "p1", days: 400, passphrase: nil) }
        #expect(throws: TransportError.self) { try pki.revoke(serials: ["ABCDEF"], passphrase: nil) }
    }

    @Test func commandLineInitIssueRevokeList() throws {
        guard FileManager.default.isExecutableFile(atPath: BuiltBinary.path) else {
            Issue.record("build the backline binary first (swift build --build-tests builds it)")
            return
        }
        let directory = try TemporaryDirectory(prefix: "backline-pki-cli")
        let keys = directory.file("Keys")
        let environment = ["BACKLINE_TEST_PASS": "s3cret pass"]
        let initialized = try BuiltBinary.run(
            ["pki", "init", "--federation", "cli.test", "--dir", keys, "--passphrase-env", "BACKLINE_TEST_PASS", "--json"],
            environment: environment
        )
        #expect(initialized.status == 0, "\(initialized.standardError)")
        #expect(initialized.standardOutput.contains("\"encrypted\":true"))
        let issued = try BuiltBinary.run(
            ["pki", "issue", "--role", "promoter", "--name", "p9", "--dir", keys, "--passphrase-env", "BACKLINE_TEST_PASS", "--json"],
            environment: environment
        )
        #expect(issued.standardOutput.contains("\"spiffe_id\":\"spiffe://cli.test/promoter/p9\""), "\(issued.standardError)")
        let noPass = try BuiltBinary.run(["pki", "issue", "--role", "promoter", "--name", "p8", "--dir", keys])
        #expect(noPass.status == 1)
        let badRole = try BuiltBinary.run(["pki", "issue", "--role", "root", "--name", "p8", "--dir", keys])
        #expect(badRole.status == 64)
        let revoked = try BuiltBinary.run(
            ["pki", "revoke", "--role", "promoter", "--name", "p9", "--dir", keys, "--passphrase-env", "BACKLINE_TEST_PASS"],
            environment: environment
        )
        #expect(revoked.status == 0, "\(revoked.standardError)")
        let listed = try BuiltBinary.run(["pki", "list", "--dir", keys, "--json"])
        #expect(listed.standardOutput.contains("\"status\":\"revoked\""))
    }
}
