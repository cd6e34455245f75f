internal import BacklineVault

/// `backline data inspect`: counts, date ranges, schema version and stream verification.
struct DataInspectCommand: Command {
    let name = "inspect"
    let abstract = "Show table counts, date ranges and schema version, and verify every stream (no member data)"
    var options: [OptionSpec] { vaultOptions }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let factory = try openVaultStreams(arguments, create: false)
        return try Self.report(VaultInspection.inspect(factory), context: context)
    }

    /// Prints `inspection`; exit code 1 when a stream failed verification.
    static func report(_ inspection: VaultInspection, context: CommandContext) throws -> Int32 {
        try context.report(inspection) {
            var lines = [
                "schema version \(inspection.schemaVersion.map(String.init) ?? "none (empty vault)"), generation \(inspection.generation)"
            ]
            for table in inspection.tables {
                var line = "  \(table.table): \(table.rows) rows"
                if let first = table.firstDate, let last = table.lastDate { line += ", \(first) … \(last)" }
                line += table.verified ? ", verified" : ", FAILED: \(table.error ?? "")"
                lines.append(line)
            }
            lines.append(
                "\(inspection.verifiedStreams) of \(inspection.streamCount) streams verified"
                    + (inspection.otherStreams.isEmpty ? "" : " (\(inspection.otherStreams.count) not in the manifest)")
            )
            lines += inspection.failures.map { "  failure: \($0)" }
            return lines.joined(separator: "\n")
        }
        return inspection.ok ? 0 : 1
    }
}
