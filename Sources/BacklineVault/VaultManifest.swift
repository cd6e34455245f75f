internal import Foundation

/// The commit record of a vault: which stream holds each table. Imports write new table
/// streams under names the current manifest does not use, then replace the manifest in one
/// atomic write; readers open only streams the manifest names, so every import becomes visible
/// whole or not at all. A crash before the manifest is written leaves only unreferenced streams,
/// which the next import overwrites (each table alternates between two stream names).
public struct VaultManifest: Codable, Sendable, Equatable {
    /// Stream name of the manifest.
    public static let streamName = "MANIFEST"
    /// Format tag stored in the manifest.
    public static let formatTag = "backline-vault"

    /// One committed table.
    public struct Entry: Codable, Sendable, Equatable {
        /// Table name.
        public var table: String
        /// Stream holding it.
        public var stream: String
        /// Rows it holds.
        public var rows: Int
    }

    /// Always ``formatTag``.
    public var format: String = formatTag
    /// ``VaultSchema/version`` when written.
    public var schemaVersion: Int = VaultSchema.version
    /// Incremented by every commit.
    public var generation: Int = 0
    /// Committed tables.
    public var tables: [Entry] = []

    /// An empty manifest (a vault with no data yet).
    public init() {}

    /// The entry for `table`, if committed.
    public func entry(for table: String) -> Entry? { tables.first { $0.table == table } }

    /// The stream name a new version of `table` goes to: the one of its two names not in use.
    public func nextStreamName(for table: String) -> String {
        entry(for: table)?.stream == "\(table).a" ? "\(table).b" : "\(table).a"
    }

    /// Decodes and checks a manifest.
    static func decode(_ bytes: [UInt8]) throws -> VaultManifest {
        guard bytes.count <= 1 << 20 else { throw VaultError.corrupt("stream \(streamName)", "\(bytes.count) bytes is too large") }
        let manifest: VaultManifest
        do {
            manifest = try JSONDecoder().decode(VaultManifest.self, from: Data(bytes))
        } catch {
            throw VaultError.corrupt("stream \(streamName)", "not valid manifest JSON")
        }
        guard manifest.format == formatTag else { throw VaultError.corrupt("stream \(streamName)", "format is '\(manifest.format)'") }
        guard manifest.schemaVersion == VaultSchema.version else {
            throw VaultError.unsupportedVersion("vault schema", found: manifest.schemaVersion, supported: VaultSchema.version)
        }
        guard Set(manifest.tables.map(\.table)).count == manifest.tables.count else {
            throw VaultError.corrupt("stream \(streamName)", "a table is listed twice")
        }
        for entry in manifest.tables {
            guard VaultSchema.table(named: entry.table) != nil, entry.rows >= 0,
                entry.stream == "\(entry.table).a" || entry.stream == "\(entry.table).b"
            else { throw VaultError.corrupt("stream \(streamName)", "bad entry for table '\(entry.table)'") }
        }
        return manifest
    }

    /// Encoded form (sorted-key JSON).
    func encode() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }
}
