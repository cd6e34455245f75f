import BacklineCore
import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

@Suite struct PassphraseTests {
    @Test func passphraseFileLosesOneTrailingNewlineAndMustBeOwnerOnly() throws {
        let temporary = try TemporaryDirectory(prefix: "backline-pass")
        let path = temporary.file("pass")
        try AtomicFileWriter.write(Array("two words\n".utf8), to: path)
        try Passphrase.read(file: path).withUnsafeBytes { #expect(Array($0) == Array("two words".utf8)) }
        try AtomicFileWriter.write(Array("two words\r\n".utf8), to: path)
        try Passphrase.read(file: path).withUnsafeBytes { #expect(Array($0) == Array("two words".utf8)) }
        try AtomicFileWriter.write(Array("\n".utf8), to: path)
        expectVaultError(.keyFile, mentioning: "empty") { _ = try Passphrase.read(file: path) }
        try AtomicFileWriter.write([UInt8](repeating: 0x61, count: 1025), to: path)
        expectVaultError(.keyFile, mentioning: "longer") { _ = try Passphrase.read(file: path) }
        let open = temporary.file("open")
        try AtomicFileWriter.write(Array("x".utf8), to: open, mode: 0o640)
        expectVaultError(.keyFile, mentioning: "chmod 600") { _ = try Passphrase.read(file: open) }
    }

    @Test func passphraseFromTheEnvironment() throws {
        let name = "BACKLINE_TEST_PASSPHRASE_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        expectVaultError(.passphraseParameters, mentioning: "not set") { _ = try Passphrase.read(environmentVariable: name) }
        setenv(name, "", 1)
        expectVaultError(.passphraseParameters, mentioning: "empty") { _ = try Passphrase.read(environmentVariable: name) }
        setenv(name, "s3cret phrase", 1)
        defer { unsetenv(name) }
        try Passphrase.read(environmentVariable: name).withUnsafeBytes { #expect(Array($0) == Array("s3cret phrase".utf8)) }
    }

    @Test func openOrCreateCreatesOnceThenOpens() throws {
        let temporary = try TemporaryDirectory(prefix: "backline-vault")
        let key = temporary.file("k")
        try KeyFile.generate(at: key)
        let first = try EncryptedVault.openOrCreate(at: temporary.file("v"), kek: .keyFile(key))
        let writer = try first.makeWriter(name: "x")
        try [UInt8]([4, 5]).withUnsafeBytes { try writer.write($0) }
        try writer.finish()
        let second = try EncryptedVault.openOrCreate(at: temporary.file("v"), kek: .keyFile(key))
        #expect(try VaultFixture.drain(second.makeReader(name: "x")) == [4, 5])
    }
}
