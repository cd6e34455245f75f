import BacklineCore
import BacklineCrypto
import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

/// SECURITY-TESTS items 10 (wrapped keys), 11 (KEK rotation), 13 (Argon2id), 15 (wipe) and key files.
@Suite struct KeyManagementTests {
    @Test func aWrappedDataKeySplicedFromAnotherFileFails() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("a", VaultFixture.sampleBytes(100, seed: 1))
        try fixture.write("b", VaultFixture.sampleBytes(100, seed: 2))
        var manifest = try fixture.manifestJSON()
        var files = manifest["files"] as! [[String: Any]]
        let a = try #require(files.firstIndex { $0["name"] as? String == "a" })
        let b = try #require(files.firstIndex { $0["name"] as? String == "b" })
        files[b]["nonce"] = files[a]["nonce"]
        files[b]["wrapped_dek"] = files[a]["wrapped_dek"]
        manifest["files"] = files
        try fixture.writeManifestJSON(manifest)
        expectVaultError(.keyUnwrapFailed, mentioning: "b") { _ = try fixture.readAll("b") }
        #expect(try fixture.readAll("a") == VaultFixture.sampleBytes(100, seed: 1))
    }

    @Test func swappingNamesOrGenerationsInTheManifestFails() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("a", VaultFixture.sampleBytes(100, seed: 1))
        try fixture.write("b", VaultFixture.sampleBytes(100, seed: 2))
        try fixture.replace(fixture.dataPath("a"), with: fixture.fileBytes(fixture.dataPath("b")))
        var manifest = try fixture.manifestJSON()
        var files = manifest["files"] as! [[String: Any]]
        for index in files.indices { files[index]["name"] = files[index]["name"] as? String == "a" ? "b" : "a" }
        manifest["files"] = files
        try fixture.writeManifestJSON(manifest)
        expectVaultError(.keyUnwrapFailed) { _ = try fixture.readAll("a") }

        let other = try VaultFixture(chunkSize: 64)
        try other.write("a", VaultFixture.sampleBytes(100, seed: 1))
        var bytes = try other.fileBytes(other.dataPath("a"))
        bytes[21] = 2
        try other.replace(other.dataPath("a"), with: bytes)
        var otherManifest = try other.manifestJSON()
        var otherFiles = otherManifest["files"] as! [[String: Any]]
        otherFiles[0]["dek_generation"] = 2
        otherManifest["files"] = otherFiles
        try other.writeManifestJSON(otherManifest)
        expectVaultError(.keyUnwrapFailed) { _ = try other.readAll("a") }
    }

    @Test func rotatingTheKEKRewrapsOnlyTheManifestAndTheOldKEKIsNoLongerNeeded() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let contents = (1...3).map { VaultFixture.sampleBytes(150 * $0, seed: UInt64($0)) }
        for (index, data) in contents.enumerated() { try fixture.write("file\(index)", data) }
        let before = try (0..<3).map { try fixture.fileBytes(fixture.dataPath("file\($0)")) }
        let statusBefore = try fixture.vault.status()
        #expect(
            statusBefore.kekVersion == 1 && statusBefore.files.allSatisfy { $0.kekVersion == 1 } && statusBefore.filesOnOlderKEK.isEmpty
        )
        let manifestBefore = try fixture.manifestJSON()

        let oldKeyCopy = fixture.temporary.file("kek-v1-copy.key")
        try AtomicFileWriter.write(try FileAccess.readAll(fixture.keyPath), to: oldKeyCopy)
        let newKeyPath = fixture.temporary.file("kek-v2.key")
        try KeyFile.generate(at: newKeyPath)
        try fixture.vault.rotateKEK(to: .keyFile(newKeyPath))
        #expect(fixture.vault.kekVersion == 2)

        #expect(try (0..<3).map { try fixture.fileBytes(fixture.dataPath("file\($0)")) } == before)
        let entries = try fixture.manifestJSON()["files"] as! [[String: Any]]
        #expect(entries.count == 3 && entries.allSatisfy { $0["kek_version"] as? Int == 2 })
        let oldWrapped = Set((manifestBefore["files"] as! [[String: Any]]).map { $0["wrapped_dek"] as! String })
        #expect(entries.allSatisfy { !oldWrapped.contains($0["wrapped_dek"] as! String) })
        let status = try fixture.vault.status()
        #expect(status.kekVersion == 2 && status.files.count == 3 && status.filesOnOlderKEK.isEmpty)

        try FileManager.default.removeItem(atPath: fixture.keyPath)
        let reopened = try EncryptedVault.open(at: fixture.vaultPath, kek: .keyFile(newKeyPath))
        for (index, data) in contents.enumerated() { #expect(try fixture.readAll("file\(index)", from: reopened) == data) }
        #expect(try reopened.verifyAll().files == 3)
        expectVaultError(.wrongKEK, mentioning: "version 2") {
            _ = try EncryptedVault.open(at: fixture.vaultPath, kek: .keyFile(oldKeyCopy))
        }
        expectVaultError(.keyFile) { _ = try EncryptedVault.open(at: fixture.vaultPath, kek: .keyFile(fixture.keyPath)) }
    }

    @Test func statusListsFilesStillOnAnOlderKEKAndTheyCannotBeRead() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("a", VaultFixture.sampleBytes(100, seed: 1))
        try fixture.write("b", VaultFixture.sampleBytes(100, seed: 2))
        let v1Entries = try fixture.manifestJSON()["files"] as! [[String: Any]]
        let newKeyPath = fixture.temporary.file("kek-v2.key")
        try KeyFile.generate(at: newKeyPath)
        try fixture.vault.rotateKEK(to: .keyFile(newKeyPath))
        // An interrupted or partial rotation by another tool: entry "b" is still wrapped under v1.
        var manifest = try fixture.manifestJSON()
        var files = manifest["files"] as! [[String: Any]]
        let b = try #require(files.firstIndex { $0["name"] as? String == "b" })
        files[b] = try #require(v1Entries.first { $0["name"] as? String == "b" })
        manifest["files"] = files
        try fixture.writeManifestJSON(manifest)

        let status = try fixture.vault.status()
        #expect(status.filesOnOlderKEK == ["b"])
        #expect(status.files.first { $0.name == "b" }?.kekVersion == 1)
        expectVaultError(.staleKEK, mentioning: "version 1") { _ = try fixture.readAll("b") }
        #expect(try fixture.readAll("a") == VaultFixture.sampleBytes(100, seed: 1))
        expectVaultError(.staleKEK) { try fixture.vault.verifyAll() }
        let thirdKey = fixture.temporary.file("kek-v3.key")
        try KeyFile.generate(at: thirdKey)
        expectVaultError(.staleKEK) { try fixture.vault.rotateKEK(to: .keyFile(thirdKey)) }
        #expect(fixture.vault.kekVersion == 2)
    }

    @Test func reencryptGivesEveryFileAFreshDataKeyAndKeepsItsContent() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let data = VaultFixture.sampleBytes(300)
        try fixture.write("a", data)
        let before = try fixture.fileBytes(fixture.dataPath("a"))
        let wrappedBefore = (try fixture.manifestJSON()["files"] as! [[String: Any]]).map { $0["wrapped_dek"] as! String }
        try fixture.vault.reencrypt()
        let after = try fixture.fileBytes(fixture.dataPath("a"))
        #expect(after != before && after.count == before.count)
        #expect(try fixture.readAll("a") == data)
        let entries = try fixture.manifestJSON()["files"] as! [[String: Any]]
        #expect(entries.count == 1 && entries[0]["dek_generation"] as? Int == 2)
        #expect(entries[0]["wrapped_dek"] as? String != wrappedBefore[0])
        #expect(try fixture.vault.status().files.map(\.dekGeneration) == [2])
    }

    @Test func verifyAllReportsTheFirstBadFileAndChunk() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("a", VaultFixture.sampleBytes(200, seed: 1))
        try fixture.write("b", VaultFixture.sampleBytes(200, seed: 2))
        #expect(try fixture.vault.verifyAll() == (files: 2, plaintextBytes: 400))
        var bytes = try fixture.fileBytes(fixture.dataPath("b"))
        bytes[fixture.chunkOffset(2) + 3] ^= 1
        try fixture.replace(fixture.dataPath("b"), with: bytes)
        expectVaultError(.authenticationFailed, mentioning: "b.bkv: chunk 2 ") { try fixture.vault.verifyAll() }
    }

    @Test func passphraseVaultOpensWithTheSamePassphraseOnly() throws {
        let temporary = try TemporaryDirectory(prefix: "backline-vault")
        let passphrase = SecureBytes(Array("a long shared passphrase".utf8))
        let vault = try EncryptedVault.create(at: temporary.file("v"), kek: .passphrase(passphrase, policy: .interactive), chunkSize: 64)
        let fixtureData = VaultFixture.sampleBytes(100)
        let writer = try vault.makeWriter(name: "m")
        try fixtureData.withUnsafeBytes { try writer.write($0) }
        try writer.finish()
        let reopened = try EncryptedVault.open(at: temporary.file("v"), kek: .passphrase(passphrase, policy: .interactive))
        #expect(try VaultFixture.drain(reopened.makeReader(name: "m")) == fixtureData)
        #expect(!reopened.kekNeedsRehash)
        expectVaultError(.wrongKEK) {
            _ = try EncryptedVault.open(
                at: temporary.file("v"),
                kek: .passphrase(SecureBytes(Array("another passphrase".utf8)), policy: .interactive)
            )
        }
        let manifest = try String(decoding: FileAccess.readAll(temporary.file("v/keys.manifest")), as: UTF8.self)
        #expect(!manifest.contains("shared passphrase"))
    }

    @Test func storedArgon2ParametersBelowTheFloorAreRefusedAndOldOnesNeedARehash() throws {
        let temporary = try TemporaryDirectory(prefix: "backline-vault")
        let passphrase = SecureBytes(Array("a long shared passphrase".utf8))
        let path = temporary.file("v")
        _ = try EncryptedVault.create(at: path, kek: .passphrase(passphrase, policy: .interactive), chunkSize: 64)
        let standard = try EncryptedVault.open(at: path, kek: .passphrase(passphrase, policy: .standard))
        #expect(standard.kekNeedsRehash)
        #expect(try standard.status().kekNeedsRehash)

        let manifestPath = temporary.file("v/keys.manifest")
        var json = try JSONSerialization.jsonObject(with: Data(FileAccess.readAll(manifestPath))) as! [String: Any]
        var kek = json["kek"] as! [String: Any]
        var argon = kek["argon2id"] as! [String: Any]
        argon["parameters"] = ["opslimit": 2, "memlimit": 8 << 20]
        kek["argon2id"] = argon
        json["kek"] = kek
        try AtomicFileWriter.write(Array(try JSONSerialization.data(withJSONObject: json)), to: manifestPath)
        expectVaultError(.passphraseParameters, mentioning: "below the policy floor") {
            _ = try EncryptedVault.open(at: path, kek: .passphrase(passphrase, policy: .interactive))
        }
    }

    @Test func rotatingToTheSamePassphraseRehashesWithTheTarget() throws {
        let temporary = try TemporaryDirectory(prefix: "backline-vault")
        let passphrase = SecureBytes(Array("a long shared passphrase".utf8))
        let path = temporary.file("v")
        let weakPolicy = try PasswordHashPolicy(floor: .interactive, target: .interactive)
        let strongerTarget = try PasswordHashPolicy(
            floor: .interactive,
            target: PasswordHashParameters(opsLimit: 3, memLimit: PasswordHashParameters.interactive.memLimit)
        )
        let vault = try EncryptedVault.create(at: path, kek: .passphrase(passphrase, policy: weakPolicy), chunkSize: 64)
        let writer = try vault.makeWriter(name: "m")
        try [UInt8]([1, 2, 3]).withUnsafeBytes { try writer.write($0) }
        try writer.finish()
        let opened = try EncryptedVault.open(at: path, kek: .passphrase(passphrase, policy: strongerTarget))
        #expect(opened.kekNeedsRehash)
        try opened.rotateKEK(to: .passphrase(passphrase, policy: strongerTarget))
        let again = try EncryptedVault.open(at: path, kek: .passphrase(passphrase, policy: strongerTarget))
        #expect(!again.kekNeedsRehash && again.kekVersion == 2)
        #expect(try VaultFixture.drain(again.makeReader(name: "m")) == [1, 2, 3])
    }

    @Test func aKeyFileOfTheOtherKindIsRefusedForAPassphraseVault() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        expectVaultError(.wrongKEK, mentioning: "key_file") {
            _ = try EncryptedVault.open(at: fixture.vaultPath, kek: .passphrase(SecureBytes(Array("x".utf8)), policy: .interactive))
        }
    }

    @Test func keyFilesMustBe32BytesAndOwnerOnly() throws {
        let temporary = try TemporaryDirectory(prefix: "backline-keys")
        let empty = temporary.file("empty.key")
        try AtomicFileWriter.write([], to: empty)
        expectVaultError(.keyFile, mentioning: "\(empty): key file is empty") { _ = try KeyFile.read(empty) }
        for size in [31, 33, 64] {
            let path = temporary.file("size\(size).key")
            try AtomicFileWriter.write([UInt8](repeating: 7, count: size), to: path)
            expectVaultError(.keyFile, mentioning: "has \(size) bytes") { _ = try KeyFile.read(path) }
        }
        let open = temporary.file("world.key")
        try AtomicFileWriter.write([UInt8](repeating: 7, count: 32), to: open, mode: 0o644)
        expectVaultError(.keyFile, mentioning: "chmod 600") { _ = try KeyFile.read(open) }
        expectVaultError(.keyFile) { _ = try EncryptedVault.create(at: temporary.file("v"), kek: .keyFile(open)) }
        #expect(!FileAccess.exists(temporary.file("v/keys.manifest")))
        let good = temporary.file("good.key")
        let generated = try KeyFile.generate(at: good)
        let read = try KeyFile.read(good)
        generated.withUnsafeBytes { g in read.withUnsafeBytes { r in #expect(Array(g) == Array(r)) } }
        expectVaultError(.vaultExists) { try KeyFile.generate(at: good) }
        expectVaultError(.keyFile, mentioning: "missing.key") { _ = try KeyFile.read(temporary.file("missing.key")) }
    }

    @Test func keysReadFromFilesWipeToZero() throws {
        let temporary = try TemporaryDirectory(prefix: "backline-keys")
        let path = temporary.file("k.key")
        try KeyFile.generate(at: path)
        var key = try KeyFile.read(path)
        key.withUnsafeBytes { #expect($0.contains { $0 != 0 }) }
        key.wipe()
        key.withUnsafeBytes { #expect($0.count == 32 && $0.allSatisfy { $0 == 0 }) }
    }

    @Test func creatingTwiceOrOpeningAPlainDirectoryIsRefused() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        expectVaultError(.vaultExists) { _ = try EncryptedVault.create(at: fixture.vaultPath, kek: .keyFile(fixture.keyPath)) }
        expectVaultError(.notFound) { _ = try EncryptedVault.open(at: fixture.temporary.path, kek: .keyFile(fixture.keyPath)) }
        try fixture.replace(fixture.manifestPath, with: Array("{\"format\": 1".utf8))
        expectVaultError(.manifest) { _ = try EncryptedVault.open(at: fixture.vaultPath, kek: .keyFile(fixture.keyPath)) }
    }
}

@Suite struct VaultStatusTests {
    @Test func statusReportsFilesWithoutKeysOrWithBrokenHeadersInsteadOfFailing() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("a", VaultFixture.sampleBytes(100, seed: 1))
        try fixture.write("b", VaultFixture.sampleBytes(100, seed: 2))
        try fixture.write("c", VaultFixture.sampleBytes(100, seed: 3))
        try fixture.replace(fixture.dataPath("b"), with: Array("not a vault file at all, just text".utf8))
        var c = try fixture.fileBytes(fixture.dataPath("c"))
        c[21] ^= 0x40
        try fixture.replace(fixture.dataPath("c"), with: c)
        let status = try fixture.vault.status()
        #expect(status.files.map(\.name) == ["a", "b", "c"])
        #expect(status.filesWithoutKey == ["b", "c"])
        #expect(status.files[0].kekVersion == 1 && status.files[0].byteCount == 53 + 81 + 53)
        let json = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
        #expect(json.contains("\"files_without_key\":[\"b\",\"c\"]"))
    }
}

@Suite struct KeyManifestBoundsTests {
    @Test func anOversizedOrMalformedManifestIsRefusedBeforeParsing() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        let handle = try #require(FileHandle(forWritingAtPath: fixture.manifestPath))
        try handle.truncate(atOffset: UInt64(32 << 20) + 1)
        try handle.close()
        expectVaultError(.manifest, mentioning: "at most") {
            _ = try EncryptedVault.open(at: fixture.vaultPath, kek: .keyFile(fixture.keyPath))
        }
        for body in ["[]", "{\"format\":2,\"chunk_size\":64,\"kek\":{},\"files\":[]}", "{\"format\":1}"] {
            try fixture.replace(fixture.manifestPath, with: Array(body.utf8))
            expectVaultError(.manifest) { _ = try EncryptedVault.open(at: fixture.vaultPath, kek: .keyFile(fixture.keyPath)) }
        }
    }

    @Test func manifestFieldsWithWrongLengthsAreNamed() throws {
        let fixture = try VaultFixture(chunkSize: 64)
        try fixture.write("a", [1, 2, 3])
        var manifest = try fixture.manifestJSON()
        var files = manifest["files"] as! [[String: Any]]
        files[0]["nonce"] = "abcd"
        manifest["files"] = files
        try fixture.writeManifestJSON(manifest)
        expectVaultError(.manifest, mentioning: "files[0].nonce") { _ = try fixture.readAll("a") }
        files[0]["name"] = "../../etc/passwd"
        manifest["files"] = files
        try fixture.writeManifestJSON(manifest)
        expectVaultError(.manifest, mentioning: "files[0].name") { _ = try fixture.vault.fileNames() }
    }
}
