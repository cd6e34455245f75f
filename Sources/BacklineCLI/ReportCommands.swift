internal import BacklineCore
internal import BacklineReport
import Foundation

/// `backline report`: self-contained HTML reports (inline SVG charts, no scripts, readable offline).
struct ReportCommand: Command {
    let name = "report"
    let abstract = "Write a self-contained HTML report: the federation's, a promoter's, or an auditor's"
    var subcommands: [any Command] { [ReportFederationCommand(), ReportPromoterCommand(), ReportAuditCommand()] }
}

/// What a report command prints with `--json`: where the report went and what it holds.
struct ReportOutcome: Encodable {
    let path: String
    let bytes: Int
    let charts: Int
    let marks: Int
    let tables: Int
    let details: [String: Int]
}

extension Command {
    /// Renders `document`, writes it atomically to `path` with `mode` (0644 by default: federation and
    /// audit reports hold aggregates only and are meant to be shared), and reports the path and counts.
    func writeReport(
        _ document: HTMLDocument,
        to path: String,
        mode: UInt32 = 0o644,
        details: [String: Int],
        _ context: CommandContext
    ) throws -> Int32 {
        let html = document.render()
        try AtomicFileWriter.write(Array(html.utf8), to: path, mode: mode)
        let counts = document.counts
        let outcome = ReportOutcome(
            path: path,
            bytes: html.utf8.count,
            charts: counts.charts,
            marks: counts.marks,
            tables: counts.tables,
            details: details
        )
        try context.report(outcome) { path }
        return 0
    }

    /// The bytes of the input file `path` given as `--option`, refusing files larger than report inputs may be.
    func readReportInput(_ path: String, option: String) throws -> [UInt8] {
        guard FileAccess.exists(path) else { throw UsageError("--\(option): no such file: \(path)") }
        let bytes = try FileAccess.readAll(path)
        guard bytes.count <= StrictJSON.maximumSize else {
            throw ReportError.inputTooLarge(path, size: bytes.count, limit: StrictJSON.maximumSize)
        }
        return bytes
    }
}
