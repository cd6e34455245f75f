import BacklineTestSupport
import Foundation
import Testing

/// The vault as a promoter drives it: the built binary, real files, real keys.
@Suite struct VaultCommandTests {
    /// Generates promoter 0's CSV files into `directory/csv` and returns their paths.
    private func generateCSV(in directory: TemporaryDirectory, members: Int, seed: Int = 5) throws -> [String] {
        let generated = try BuiltBinary.run([
            "data", "generate", "--out", directory.file("csv"), "--promoters", "1", "--members", "\(members)",
            "--seed", "\(seed)",
        ])
        #expect(generated.status == 0, "\(generated.standardError)")
        let folder = directory.file("csv/promoter-0")
        return try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { folder + "/" + $0 }
    }

    private func makeKey(_ path: String) throws {
        let result = try BuiltBinary.run(["data", "keygen", "--out", path])
        #expect(result.status == 0, "\(result.standardError)")
    }

    @Test func importInspectRotateAndRefuseTheOldKey() throws {
        let directory = try TemporaryDirectory()
        let files = try generateCSV(in: directory, members: 300)
        let vault = directory.file("vault")
        let key1 = directory.file("v1.kek")
        let key2 = directory.file("v2.kek")
        try makeKey(key1)
        try makeKey(key2)

        let imported = try BuiltBinary.run(
            ["data", "import", "--vault", vault, "--key-file", key1, "--preset", "backline", "--json"] + files
        )
        #expect(imported.status == 0, "\(imported.standardError)")

        let inspected = try BuiltBinary.run(["data", "inspect", "--vault", vault, "--key-file", key1, "--json"])
        #expect(inspected.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(inspected.standardOutput.utf8)) as? [String: Any]
        #expect(report?["verified_streams"] as? Int == report?["stream_count"] as? Int)

        let before = try dataFileBytes(vault)
        let rotated = try BuiltBinary.run(["data", "rotate-key", "--vault", vault, "--key-file", key1, "--new-key-file", key2])
        #expect(rotated.status == 0, "\(rotated.standardError)")
        #expect(try dataFileBytes(vault) == before, "rotation must leave data files byte-identical")

        let oldKey = try BuiltBinary.run(["data", "inspect", "--vault", vault, "--key-file", key1])
        #expect(oldKey.status == 1)
        #expect(oldKey.standardError.contains("wrong_kek"))
        let newKey = try BuiltBinary.run(["data", "status", "--vault", vault, "--key-file", key2])
        #expect(newKey.status == 0, "\(newKey.standardError)")
    }

    @Test func worldReadableAndEmptyKeyFilesAreRefusedByPath() throws {
        let directory = try TemporaryDirectory()
        let loose = directory.file("loose.kek")
        let empty = directory.file("empty.kek")
        try makeKey(loose)
        chmod(loose, 0o644)
        _ = FileManager.default.createFile(atPath: empty, contents: Data(), attributes: [.posixPermissions: 0o600])
        for key in [loose, empty] {
            let result = try BuiltBinary.run(["data", "inspect", "--vault", directory.file("v"), "--key-file", key])
            #expect(result.status != 0)
            let mentions = result.standardError.contains(key) || result.standardError.contains("not a vault")
            #expect(mentions, "\(result.standardError)")
        }
        let files = try generateCSV(in: directory, members: 20)
        let created = try BuiltBinary.run(
            ["data", "import", "--vault", directory.file("v"), "--key-file", loose, "--preset", "backline"] + files
        )
        #expect(created.status != 0)
        #expect(created.standardError.contains(loose))
        #expect(created.standardError.contains("644"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("v/keys.manifest")), "nothing may be created with a refused key")
    }

    @Test func badRowImportsNothingAndNamesTheLine() throws {
        let directory = try TemporaryDirectory()
        let files = try generateCSV(in: directory, members: 100)
        let vault = directory.file("vault")
        let key = directory.file("k.kek")
        try makeKey(key)
        #expect(try BuiltBinary.run(["data", "import", "--vault", vault, "--key-file", key, "--preset", "backline"] + files).status == 0)
        let before = try dataFileBytes(vault)

        let bad = directory.file("members.csv")
        let header = try String(contentsOfFile: files.first { $0.hasSuffix("members.csv") }!, encoding: .utf8)
            .split(separator: "\n")[0]
        try "\(header)\nnot-a-number\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try BuiltBinary.run(["data", "import", "--vault", vault, "--key-file", key, "--preset", "backline", bad])
        #expect(result.status == 1)
        #expect(result.standardError.contains("members.csv:2"), "\(result.standardError)")
        #expect(try dataFileBytes(vault) == before, "a failed import must change nothing")
    }

    /// SECURITY-TESTS item 14: kill -9 during an encrypted write leaves the previous state whole.
    @Test func killedImportLeavesTheVaultReadable() throws {
        let directory = try TemporaryDirectory()
        let files = try generateCSV(in: directory, members: 2_000, seed: 9)
        let vault = directory.file("vault")
        let key = directory.file("k.kek")
        try makeKey(key)
        let listening = files.filter { $0.hasSuffix("listening.csv") }
        let others = files.filter { !$0.hasSuffix("listening.csv") }
        #expect(try BuiltBinary.run(["data", "import", "--vault", vault, "--key-file", key, "--preset", "backline"] + others).status == 0)

        for delayMilliseconds in [50, 150, 300, 500, 800] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
            process.arguments = ["data", "import", "--vault", vault, "--key-file", key, "--preset", "backline"] + listening
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(delayMilliseconds * 1000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let inspected = try BuiltBinary.run(["data", "inspect", "--vault", vault, "--key-file", key, "--json"])
            #expect(inspected.status == 0, "vault unreadable after kill at \(delayMilliseconds) ms: \(inspected.standardError)")
            let report = try JSONSerialization.jsonObject(with: Data(inspected.standardOutput.utf8)) as? [String: Any]
            let tables = (report?["tables"] as? [[String: Any]]) ?? []
            let members = tables.first { $0["table"] as? String == "members" }?["rows"] as? Int
            #expect(members == 2_000, "members lost after kill at \(delayMilliseconds) ms")
            if tables.contains(where: { $0["table"] as? String == "listening" && ($0["rows"] as? Int ?? 0) > 0 }) { break }
        }
    }

    /// The encrypted data files of a vault, by name, as bytes.
    private func dataFileBytes(_ vault: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: vault) where name.hasSuffix(".bkv") {
            result[name] = try Data(contentsOf: URL(fileURLWithPath: vault + "/" + name))
        }
        return result
    }
}
