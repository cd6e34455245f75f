internal import BacklineCore

/// A check of a vault that prints no member data: per table its stream, row count and date
/// range, and the verification of every stream the factory lists (committed tables are decoded
/// in full, which checks their structure and checksum; other streams are read to their verified
/// end).
public struct VaultInspection: Codable, Sendable {
    /// One committed table.
    public struct Table: Codable, Sendable {
        /// Table name.
        public var table: String
        /// Stream holding it.
        public var stream: String
        /// Rows, as decoded.
        public var rows: Int
        /// Earliest timestamp of any timestamp field (ISO 8601), if any.
        public var firstDate: String?
        /// Latest timestamp of any timestamp field (ISO 8601), if any.
        public var lastDate: String?
        /// Whether the stream decoded and matched the manifest.
        public var verified: Bool
        /// Why not, if not.
        public var error: String?
    }

    /// Schema version in the manifest (nil when the vault has no manifest).
    public var schemaVersion: Int?
    /// Commit generation.
    public var generation: Int
    /// Committed tables.
    public var tables: [Table]
    /// Streams not named by the manifest (left by an earlier commit or an interrupted import).
    public var otherStreams: [String]
    /// Streams read and verified, of ``streamCount``.
    public var verifiedStreams: Int
    /// Streams the factory lists.
    public var streamCount: Int
    /// Problems found, one line each.
    public var failures: [String]

    /// Whether every stream verified.
    public var ok: Bool { failures.isEmpty }

    /// Inspects the vault behind `factory`.
    /// - Throws: only when the stream list or the manifest cannot be read at all.
    public static func inspect(_ factory: any VaultStreamFactory) throws -> VaultInspection {
        let names = try factory.fileNames()
        var report = VaultInspection(
            schemaVersion: nil,
            generation: 0,
            tables: [],
            otherStreams: [],
            verifiedStreams: 0,
            streamCount: names.count,
            failures: []
        )
        var referenced = Set<String>()
        if let manifest = try VaultData.readManifest(from: factory) {
            report.schemaVersion = manifest.schemaVersion
            report.generation = manifest.generation
            report.verifiedStreams += 1
            referenced.insert(VaultManifest.streamName)
            for entry in manifest.tables {
                referenced.insert(entry.stream)
                var table = Table(table: entry.table, stream: entry.stream, rows: 0, verified: false)
                do {
                    let schema = VaultSchema.table(named: entry.table)!
                    let columns = try ColumnarTable.read(
                        schema: schema,
                        from: try factory.makeReader(name: entry.stream),
                        name: entry.stream
                    )
                    table.rows = columns.rowCount
                    var dates: [Int64] = []
                    for field in schema.fields where field.kind == .timestamp {
                        let values = columns.integers(field.name).filter { $0 != ColumnarTable.missingInteger }
                        if let low = values.min(), let high = values.max() { dates += [low, high] }
                    }
                    table.firstDate = dates.min().map(FieldParser.formatTimestamp)
                    table.lastDate = dates.max().map(FieldParser.formatTimestamp)
                    if columns.rowCount != entry.rows {
                        throw VaultError.corrupt("stream \(entry.stream)", "holds \(columns.rowCount) rows, manifest says \(entry.rows)")
                    }
                    table.verified = true
                    report.verifiedStreams += 1
                } catch {
                    table.error = String(describing: error)
                    report.failures.append("\(entry.stream): \(error)")
                }
                report.tables.append(table)
            }
        }
        for name in names where !referenced.contains(name) {
            report.otherStreams.append(name)
            do {
                let reader = try factory.makeReader(name: name)
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                while try chunk.withUnsafeMutableBytes({ try reader.read(into: $0) }) > 0 {}
                report.verifiedStreams += 1
            } catch {
                report.failures.append("\(name): \(error)")
            }
        }
        return report
    }
}
