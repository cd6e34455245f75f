internal import BacklineAggregator
internal import BacklineAudit
internal import BacklineReport
internal import BacklineStore
import Foundation

/// `backline report audit`: the auditor's report, from the log (file or aggregator store), the
/// trusted checkpoint key and the privacy ledger.
struct ReportAuditCommand: Command {
    let name = "audit"
    let abstract = "The auditor's report: verification, requests and denials over time, ε spent against budget"
    var options: [OptionSpec] {
        AuditCommand.sourceOptions + [
            AuditCommand.keyOption, AuditCommand.originOption,
            .value("state", "FILE", "Your saved checkpoint, checked for consistency (read only: the report never updates it)"),
            .value("ledger", "FILE", "Ledger JSON as served by GET /v1/ledger (default: the store's ledger with --sqlite/--postgres)"),
            .value("budget", "EPSILON", "The ε budget promoters are held to, drawn against their spending"),
            .value("out", "FILE", "Where to write the HTML report"),
        ]
    }

    var discussion: String {
        "The report is written even when the log fails verification (it then says so in red);\nthe exit status is 1 in that case, as for 'backline audit verify'."
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let out = try arguments.required("out")
        let budget = arguments.value("budget") == nil ? nil : try arguments.double("budget", in: 1e-9...1e6)
        let storage = try AuditCommand.storage(arguments)
        let key = try AuditCommand.key(arguments)
        let verifier = AuditVerifier(origin: arguments.value("origin") ?? key.name, keys: [key])
        let saved = try arguments.value("state").map(AuditorStateFile.init(path:))?.load(reader: verifier.reader)
        let verification = verifier.verify(storage: storage, saved: saved)

        var activity = AuditActivity()
        let count = try storage.count()
        var start = 0
        while start < count {
            let end = min(count, start + 65_536)
            for entry in try storage.entries(from: start, to: end) { activity.add(entry) }
            start = end
        }

        let ledger: [LedgerLine]?
        if let path = arguments.value("ledger") {
            ledger = try LedgerLine.load(try readReportInput(path, option: "ledger"), document: path)
        } else if let store = (storage as? StoreAuditStorage)?.store {
            let formatter = ISO8601DateFormatter()
            ledger = try store.withTransaction { try $0.ledgerEntries(promoterID: nil) }.map {
                LedgerLine(
                    id: $0.id,
                    promoter: $0.promoterID,
                    round: $0.round,
                    query: $0.query,
                    mechanism: $0.mechanism,
                    parameters: $0.parametersJSON,
                    epsilon: $0.epsilon,
                    delta: $0.delta,
                    recordedAt: formatter.string(from: $0.recordedAt)
                )
            }
        } else {
            ledger = nil
        }
        let spending = ledger.map(PromoterSpending.from)
        let source = arguments.value("log") ?? arguments.value("sqlite") ?? "PostgreSQL store"
        let report = AuditReport(
            source: source,
            generatedAt: ISO8601DateFormatter().string(from: Date()),
            verification: VerificationStatus(verification),
            activity: activity,
            spending: spending,
            budget: budget
        )
        let written = try writeReport(
            report.document,
            to: out,
            details: [
                "entries": activity.total, "denied": activity.denied, "verified": verification.ok ? 1 : 0,
                "promoters": spending?.count ?? 0,
            ],
            context
        )
        return verification.ok ? written : 1
    }
}
