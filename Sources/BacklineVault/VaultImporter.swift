/// Imports delimited files into a vault, all or nothing.
///
/// Sources are applied in table dependency order (members and shows before tickets), each
/// streamed record by record (see ``DelimitedReader``) into the in-memory columnar tables.
/// Every row is checked: field count, encoding, numbers and their ranges, timestamps (1900–2100),
/// field order (`scan_out` ≥ `scan_in`), references (a ticket's member and show must exist in the
/// vault or the same import) and, once all files are read, duplicate keys against the vault and
/// the import. Any issue refuses the whole import (nothing is written) unless
/// ``ImportOptions/skipInvalid`` is set, in which case the bad rows are dropped and counted. The
/// changed tables are then committed through ``VaultData/commit(to:changed:)``.
public enum VaultImporter {
    /// Imports `sources` into the vault behind `factory` and commits.
    /// - Throws: ``VaultError`` `importRejected` listing the first issues, `emptyInput`,
    ///   `malformedInput`, `invalidMapping`; errors of the factory. Nothing is committed then.
    @discardableResult
    public static func run(
        _ sources: [ImportSource],
        into factory: any VaultStreamFactory,
        options: ImportOptions = ImportOptions()
    ) throws -> ImportSummary {
        var data = try VaultData.load(from: factory)
        var summary = try apply(sources, to: &data, options: options)
        let changed = Set(summary.imported.filter { $0.value > 0 }.keys)
        if !changed.isEmpty { try data.commit(to: factory, changed: changed) }
        summary.generation = data.manifest.generation
        return summary
    }

    /// Applies `sources` to `data` in memory, without committing. On a thrown error `data` is
    /// left unchanged.
    public static func apply(
        _ sources: [ImportSource],
        to data: inout VaultData,
        options: ImportOptions = ImportOptions()
    ) throws -> ImportSummary {
        let session = ImportSession(data: data, options: options)
        let ordered = sources.enumerated().sorted {
            (VaultSchema.order(of: $0.element.table.name), $0.offset) < (VaultSchema.order(of: $1.element.table.name), $1.offset)
        }
        let clock = ContinuousClock()
        let started = clock.now
        for (_, source) in ordered {
            switch source.layout {
            case .rows: try session.importRows(source)
            case .lastfmTags(let tagNamesPath): try session.importLastfmTags(source, tagNamesPath: tagNamesPath)
            }
        }
        session.checkDuplicates()
        if session.issueCount > 0 && !options.skipInvalid {
            throw VaultError.importRejected(session.summary.issues, total: session.issueCount)
        }
        var summary = session.summary
        for (name, start) in session.firstNewRow {
            summary.imported[name] = session.data.tables[name]!.rowCount - start
        }
        let elapsed = clock.now - started
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        summary.rowsPerSecond = summary.seconds > 0 ? Double(summary.rowsRead) / summary.seconds : 0
        summary.generation = data.manifest.generation
        data = session.data
        return summary
    }
}
