import BacklineCore
import BacklineCrypto
import BacklineTestSupport
import BacklineVault
import Foundation

/// A vault in a fresh temporary directory with a key-file KEK, and helpers to write, read and
/// tamper with its files.
final class VaultFixture {
    let temporary: TemporaryDirectory
    let keyPath: String
    let vaultPath: String
    let vault: EncryptedVault
    let chunkSize: Int

    init(chunkSize: Int = VaultFileFormat.defaultChunkSize) throws {
        temporary = try TemporaryDirectory(prefix: "backline-vault")
        keyPath = temporary.file("kek-v1.key")
        try KeyFile.generate(at: keyPath)
        vaultPath = temporary.file("vault")
        self.chunkSize = chunkSize
        vault = try EncryptedVault.create(at: vaultPath, kek: .keyFile(keyPath), chunkSize: chunkSize)
    }

    func dataPath(_ name: String) -> String { vaultPath + "/" + name + ".bkv" }
    var manifestPath: String { vaultPath + "/keys.manifest" }

    /// Byte offset of chunk `index` in a data file.
    func chunkOffset(_ index: Int) -> Int {
        VaultFileFormat.headerCount + SecretStream.headerCount + index * (chunkSize + SecretStream.overheadCount)
    }

    func write(_ name: String, _ bytes: [UInt8], to target: EncryptedVault? = nil, pieceSize: Int = 10_000) throws {
        let writer = try (target ?? vault).makeWriter(name: name)
        var offset = 0
        repeat {
            let end = min(offset + pieceSize, bytes.count)
            try bytes[offset..<end].withUnsafeBytes { try writer.write($0) }
            offset = end
        } while offset < bytes.count
        try writer.finish()
    }

    func readAll(_ name: String, from source: EncryptedVault? = nil) throws -> [UInt8] {
        try Self.drain(try (source ?? vault).makeReader(name: name))
    }

    static func drain(_ reader: any ByteStreamReader) throws -> [UInt8] {
        var result = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 7000)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { return result }
            result += buffer[0..<count]
        }
    }

    func fileBytes(_ path: String) throws -> [UInt8] { try FileAccess.readAll(path) }

    func replace(_ path: String, with bytes: [UInt8]) throws { try AtomicFileWriter.write(bytes, to: path) }

    /// The manifest as a JSON object, for tampering.
    func manifestJSON() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(fileBytes(manifestPath))) as! [String: Any]
    }

    func writeManifestJSON(_ object: [String: Any]) throws {
        try replace(manifestPath, with: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    /// Names of leftover temporary files in the vault directory.
    func temporaryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: vaultPath).filter { $0.contains(".tmp-") }
    }

    static func sampleBytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }
}
