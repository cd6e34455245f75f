internal import BacklineCore
internal import BacklineVault
import Foundation

/// `backline data import`: CSV/TSV files into the vault, all or nothing.
struct DataImportCommand: Command {
    let name = "import"
    let abstract = "Import CSV/TSV files into the vault (all rows or none, unless --skip-invalid)"
    var options: [OptionSpec] {
        vaultOptions + [
            .value("preset", "NAME", "Column mapping preset: \(ImportPlan.presets.joined(separator: ", "))"),
            .value("table", "NAME", "Target table: \(VaultSchema.tables.map(\.name).joined(separator: ", "))"),
            .value("map", "FIELD=COLUMN", "Map a field to a header name or #N (repeatable)", repeatable: true),
            .value("mapping", "FILE", "JSON object of field names to column names"),
            .value("delimiter", "D", "tab, comma, semicolon, pipe or one character (default: detected)"),
            .value("encoding", "ENC", "utf8 (default; invalid bytes are errors) or latin1"),
            .flag("skip-invalid", "Import the valid rows and count the invalid ones by reason"),
        ]
    }
    var positionals: [String] { ["FILE..."] }
    var discussion: String {
        """
        Every row is checked (field count, encoding, numbers and ranges, dates 1900–2100, scan-out
        not before scan-in, references, duplicate keys); any problem imports nothing and names
        file:line:column. Progress goes to standard error, the summary to standard output.
        Examples:
          backline data import --vault V --preset backline out/promoter-0/*.csv
          backline data import --vault V --preset lastfm-user-artists user_artists.dat
          backline data import --vault V --preset lastfm-tags --encoding latin1 user_taggedartists.dat tags.dat
        """
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        guard !arguments.positionals.isEmpty else { throw UsageError("give at least one FILE to import") }
        let mapping = try arguments.value("mapping").map { try FileAccess.readAll($0) }
        let sources: [ImportSource]
        do {
            sources = try ImportPlan.make(
                files: arguments.positionals,
                preset: arguments.value("preset"),
                table: arguments.value("table"),
                mapOptions: arguments.values("map"),
                mappingJSON: mapping,
                delimiter: arguments.value("delimiter"),
                encoding: arguments.value("encoding")
            )
        } catch let error as VaultError where error.code == .invalidMapping {
            throw UsageError(error.reason)
        }
        let factory = try openVaultStreams(arguments, create: true)
        _ = try Self.perform(sources, into: factory, skipInvalid: arguments.flag("skip-invalid"), context: context)
        return 0
    }

    /// Runs the import and reports it (the library half of the command).
    static func perform(
        _ sources: [ImportSource],
        into factory: any VaultStreamFactory,
        skipInvalid: Bool,
        context: CommandContext
    ) throws -> ImportSummary {
        let diagnostics = context.diagnostics
        var options = ImportOptions(skipInvalid: skipInvalid)
        options.progress = { progress in
            diagnostics("import: \(progress.file): \(progress.rows) rows, \(Int(progress.rowsPerSecond)) rows/s\n")
        }
        let summary = try VaultImporter.run(sources, into: factory, options: options)
        try context.report(summary) {
            var lines = [
                "imported \(summary.imported.values.reduce(0, +)) rows of \(summary.rowsRead) read in \(String(format: "%.2f", summary.seconds)) s (\(Int(summary.rowsPerSecond)) rows/s), generation \(summary.generation)"
            ]
            for (table, count) in summary.imported.sorted(by: { $0.key < $1.key }) { lines.append("  \(table): +\(count)") }
            if summary.skippedTotal > 0 {
                lines.append("skipped \(summary.skippedTotal) invalid rows:")
                for (reason, count) in summary.skipped.sorted(by: { $0.key < $1.key }) { lines.append("  \(reason): \(count)") }
                for issue in summary.issues.prefix(10) { lines.append("  " + issue.description) }
            }
            return lines.joined(separator: "\n")
        }
        return summary
    }
}
