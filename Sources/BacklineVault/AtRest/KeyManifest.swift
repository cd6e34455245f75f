internal import BacklineCore
internal import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The JSON key manifest `<vault>/keys.manifest` (see ``VaultFileFormat``): the current KEK's
/// record and every file's wrapped data key. Public fields only; nothing in it is secret.
struct KeyManifest: Codable, Sendable {
    /// Manifest format (1).
    var format: Int
    /// Chunk size for new files.
    var chunkSize: UInt32
    /// The current key-encryption key.
    var kek: KEKRecord
    /// One entry per (file, DEK generation); normally one per file.
    var files: [WrappedDataKey]

    enum CodingKeys: String, CodingKey {
        case format
        case chunkSize = "chunk_size"
        case kek
        case files
    }

    /// Largest manifest accepted (about 60 000 entries), so a planted file cannot exhaust memory.
    static let maximumByteCount = 32 << 20

    /// Reads and checks the manifest at `path`.
    /// - Throws: ``VaultAtRestError`` `notFound` or `manifest` naming the field at fault.
    static func load(from path: String) throws -> KeyManifest {
        var info = stat()
        guard stat(path, &info) == 0 else { throw VaultAtRestError.at(.notFound, path, "no key manifest (is this a vault directory?)") }
        guard Int(info.st_size) <= maximumByteCount else {
            throw VaultAtRestError.at(.manifest, path, "is \(info.st_size) bytes; a key manifest is at most \(maximumByteCount)")
        }
        let bytes = try FileAccess.readAll(path)
        let manifest: KeyManifest
        do {
            manifest = try JSONDecoder().decode(KeyManifest.self, from: Data(bytes))
        } catch {
            throw VaultAtRestError.at(.manifest, path, "is not a valid key manifest: \(error)")
        }
        try manifest.validate(path: path)
        return manifest
    }

    /// Writes the manifest atomically (temp file, fsync, rename, directory fsync), mode 0600.
    func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        try AtomicFileWriter.write(Array(data) + [0x0a], to: path, mode: 0o600)
    }

    /// Checks every field's shape, so later code can trust lengths and ranges.
    func validate(path: String) throws {
        guard format == 1 else { throw VaultAtRestError.at(.manifest, path, "format \(format) is not supported (this build reads 1)") }
        guard VaultFileFormat.chunkSizeRange.contains(Int(chunkSize)) else {
            throw VaultAtRestError.at(.manifest, path, "chunk_size \(chunkSize) is outside \(VaultFileFormat.chunkSizeRange)")
        }
        try kek.validate(path: path)
        var seen = Set<String>()
        for (index, entry) in files.enumerated() {
            try entry.validate(path: path, index: index)
            let key = entry.fileID + "/" + String(entry.dekGeneration)
            guard seen.insert(key).inserted else {
                throw VaultAtRestError.at(
                    .manifest,
                    path,
                    "files[\(index)] repeats file id \(entry.fileID) generation \(entry.dekGeneration)"
                )
            }
        }
    }
}
