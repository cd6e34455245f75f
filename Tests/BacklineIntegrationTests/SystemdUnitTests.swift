import BacklineTestSupport
import Foundation
import Testing

/// `Deploy/systemd`: the units pass `systemd-analyze verify` (with `ExecStart` pointed at the built
/// binary, the only change), carry the hardening the deployment promises, and the binary runs
/// under the kernel's memory-deny-write-execute, as `MemoryDenyWriteExecute=yes` demands.
@Suite struct SystemdUnitTests {
    private static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Deploy/systemd").path
    private static let units = ["backline-aggregator.service", "backline-node.service"]

    @Test(arguments: units)
    func unitPassesSystemdAnalyzeVerify(_ unit: String) throws {
        let result = try verify(unit) { $0 }
        #expect(result.status == 0, "\(result.combined)")
        #expect(result.standardError.isEmpty, "\(result.standardError)")
    }

    /// The check is real: `verify` reports a misspelt directive or value in the same unit (on
    /// standard error, which the test above requires to be empty), and fails a missing binary.
    @Test func verifyReportsABrokenUnit() throws {
        let misspelt = try verify("backline-aggregator.service") { $0.replacingOccurrences(of: "PrivateTmp=yes", with: "PrivateTemp=yes") }
        #expect(misspelt.standardError.contains("Unknown key 'PrivateTemp'"), "\(misspelt.combined)")
        let badValue = try verify("backline-node.service") { $0.replacingOccurrences(of: "ProtectHome=yes", with: "ProtectHome=yess") }
        #expect(badValue.standardError.contains("yess"), "\(badValue.combined)")
        let missing = try verify("backline-node.service") { $0.replacingOccurrences(of: "ExecStart=/", with: "ExecStart=/nonexistent/") }
        #expect(missing.status != 0)
    }

    @Test(arguments: units)
    func unitIsHardened(_ unit: String) throws {
        let text = try String(contentsOfFile: Self.directory + "/" + unit, encoding: .utf8)
        let settings = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for required in [
            "User=backline", "NoNewPrivileges=yes", "LimitCORE=0", "ProtectSystem=strict", "PrivateTmp=yes", "ProtectHome=yes",
            "MemoryDenyWriteExecute=yes", "CapabilityBoundingSet=", "UMask=0077", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        ] {
            #expect(settings.contains(required), "\(unit) lacks \(required)")
        }
        #expect(settings.contains { $0.hasPrefix("ReadWritePaths=/var/lib/backline-") })
    }

    /// What the units run works with W^X enforced by the kernel (prctl PR_SET_MDWE, Linux ≥ 6.3):
    /// OpenSSL certificate minting and libsodium key generation.
    @Test func binaryRunsUnderMemoryDenyWriteExecute() throws {
        let scratch = try TemporaryDirectory(prefix: "backline-mdwe")
        let binary = BuiltBinary.path.hasPrefix("/") ? BuiltBinary.path : FileManager.default.currentDirectoryPath + "/" + BuiltBinary.path
        // Sets MDWE (65), reads it back (66) and execs the binary; exit 3 if the kernel refused.
        let wrapper = """
            import ctypes, os, sys
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(65, 1, 0, 0, 0) != 0 or libc.prctl(66, 0, 0, 0, 0) != 1:
                sys.exit(3)
            os.execv(sys.argv[1], sys.argv[1:])
            """
        let keys = scratch.file("Keys")
        for arguments in [
            ["pki", "init", "--federation", "fed.test", "--dir", keys],
            ["pki", "issue", "--dir", keys, "--role", "aggregator", "--name", "main"],
            ["aggregator", "keygen", "--out", scratch.file("audit.key"), "--origin", "fed.test/audit"],
            ["data", "keygen", "--out", scratch.file("vault.kek")],
        ] {
            let result = try PKIToolRunner.run("python3", ["-c", wrapper, binary] + arguments, timeout: 60)
            #expect(result.status == 0, "backline \(arguments.prefix(2).joined(separator: " ")) under MDWE: \(result.combined)")
        }
        #expect(FileManager.default.fileExists(atPath: keys + "/aggregator-main.cert.pem"))
    }

    /// Runs `systemd-analyze verify` on a copy of `unit` (ExecStart at the built binary) edited by `edit`.
    private func verify(_ unit: String, edit: (String) -> String) throws -> PKIToolRunner.Result {
        let scratch = try TemporaryDirectory(prefix: "backline-units")
        let binary = BuiltBinary.path.hasPrefix("/") ? BuiltBinary.path : FileManager.default.currentDirectoryPath + "/" + BuiltBinary.path
        let text = try String(contentsOfFile: Self.directory + "/" + unit, encoding: .utf8)
            .replacingOccurrences(of: "ExecStart=/usr/local/bin/backline", with: "ExecStart=\(binary)")
        try Data(edit(text).utf8).write(to: URL(fileURLWithPath: scratch.file(unit)))
        return try PKIToolRunner.run("systemd-analyze", ["verify", scratch.file(unit)], timeout: 60)
    }
}
