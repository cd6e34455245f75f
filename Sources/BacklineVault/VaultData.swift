internal import BacklineCore

/// A promoter's whole vault in memory, one ``ColumnarTable`` per ``VaultSchema`` table, loaded
/// from and committed to a ``VaultStreamFactory``.
public struct VaultData: Sendable {
    /// Tables by name (every schema table is present, possibly empty).
    public internal(set) var tables: [String: ColumnarTable]
    /// The manifest these tables were loaded from (empty for a new vault).
    public private(set) var manifest: VaultManifest

    /// An empty vault.
    public init() {
        tables = Dictionary(uniqueKeysWithValues: VaultSchema.tables.map { ($0.name, ColumnarTable(schema: $0)) })
        manifest = VaultManifest()
    }

    /// The table described by `schema`.
    public subscript(schema: TableSchema) -> ColumnarTable {
        get { tables[schema.name]! }
        set { tables[schema.name] = newValue }
    }

    /// Loads every committed table through `factory` (a vault without a manifest is empty).
    public static func load(from factory: any VaultStreamFactory) throws -> VaultData {
        var data = VaultData()
        guard let manifest = try readManifest(from: factory) else { return data }
        data.manifest = manifest
        for entry in manifest.tables {
            let schema = VaultSchema.table(named: entry.table)!
            let table = try ColumnarTable.read(schema: schema, from: try factory.makeReader(name: entry.stream), name: entry.stream)
            guard table.rowCount == entry.rows else {
                throw VaultError.corrupt("stream \(entry.stream)", "holds \(table.rowCount) rows, manifest says \(entry.rows)")
            }
            data.tables[schema.name] = table
        }
        return data
    }

    /// The committed manifest, or nil when the vault has none yet.
    public static func readManifest(from factory: any VaultStreamFactory) throws -> VaultManifest? {
        guard try factory.fileNames().contains(VaultManifest.streamName) else { return nil }
        let reader = try factory.makeReader(name: VaultManifest.streamName)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= 1 << 20 else { throw VaultError.corrupt("stream \(VaultManifest.streamName)", "larger than 1 MiB") }
        }
        return try VaultManifest.decode(bytes)
    }

    /// Commits `changed` tables (all tables when nil): writes each to its unused stream name,
    /// then replaces the manifest. Nothing is visible to readers until the manifest is written.
    public mutating func commit(to factory: any VaultStreamFactory, changed: Set<String>? = nil) throws {
        var next = manifest
        next.generation += 1
        for schema in VaultSchema.tables where changed?.contains(schema.name) ?? true {
            let table = self[schema]
            let stream = manifest.nextStreamName(for: schema.name)
            try table.write(to: try factory.makeWriter(name: stream))
            let entry = VaultManifest.Entry(table: schema.name, stream: stream, rows: table.rowCount)
            if let position = next.tables.firstIndex(where: { $0.table == schema.name }) {
                next.tables[position] = entry
            } else {
                next.tables.append(entry)
            }
        }
        next.tables.sort { VaultSchema.order(of: $0.table) < VaultSchema.order(of: $1.table) }
        let bytes = try next.encode()
        let writer = try factory.makeWriter(name: VaultManifest.streamName)
        try bytes.withUnsafeBytes { try writer.write($0) }
        try writer.finish()
        manifest = next
    }
}
