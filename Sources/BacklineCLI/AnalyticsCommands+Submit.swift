internal import BacklineAnalytics
internal import BacklineCore
internal import BacklineNode
internal import BacklinePrivacy
internal import BacklineVault
import Foundation

/// What `analytics submit` and `analytics fetch` share: the node configuration, its vault, its
/// ledger and the mTLS client.
private struct AnalyticsNodeSession {
    let configuration: NodeConfiguration
    let vault: EncryptedVault
    let client: AnalyticsClient

    static let options: [OptionSpec] = [
        .value("config", "PATH", "The node's configuration file (JSON; NodeConfiguration)"),
        .value("query-id", "N", "The federated analytics query, as the aggregator numbers it"),
    ]

    init(_ arguments: ParsedArguments) throws {
        configuration = try NodeConfiguration.load(path: try arguments.required("config"))
        try ProcessHardening.disableCoreDumps()
        vault = try EncryptedVault.open(at: configuration.vault, kek: .keyFile(configuration.keyFile))
        client = try AnalyticsClient.make(configuration: configuration, logger: Logger(label: "analytics", minimumLevel: .warning))
    }

    static func queryID(_ arguments: ParsedArguments) throws -> Int64 {
        Int64(try arguments.integer("query-id", in: 1...Int(Int32.max)))
    }
}

/// `backline analytics submit`: answers a federated query with a DP histogram of the local vault.
struct AnalyticsSubmitCommand: Command {
    let name = "submit"
    let abstract = "Answer a federated analytics query: charge the ledger, noise the local histogram, submit it"
    var options: [OptionSpec] { AnalyticsNodeSession.options }
    var discussion: String {
        """
        The query's (ε, δ) is charged to the promoter's ledger (vault stream 'privacy_ledger') before
        the vault is read; over budget nothing is computed or sent (exit code 1). The noised
        histogram is kept in the vault (stream 'analytics_journal') before it is sent, so running the
        command again for the same query (after a crash or a lost answer) sends exactly those bytes
        again, or prints the receipt already received, without a second charge. The aggregator sums
        it with the other promoters' when the query closes.
          backline analytics submit --config node.json --query-id 3
        """
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let id = try AnalyticsNodeSession.queryID(arguments)
        let session = try AnalyticsNodeSession(arguments)
        let persistence = VaultLedgerPersistence(factory: session.vault)
        let privacy = session.configuration.privacy
        var ledger =
            try persistence.load()
            ?? PrivacyLedger(
                promoter: session.configuration.name,
                budget: try PrivacyBudget(epsilon: privacy.budgetEpsilon, delta: privacy.budgetDelta)
            )
        let journal = try VaultAnalyticsJournal(
            vault: session.vault,
            federation: session.configuration.federation,
            aggregator: session.configuration.aggregator.name
        )
        let engine = try AnalyticsEngine(try VaultData.load(from: session.vault))
        var noise = SecureNoiseSource()
        let submission = try await session.client.submit(
            queryID: id,
            engine: engine,
            ledger: &ledger,
            persistence: persistence,
            noise: &noise,
            journal: journal
        )
        let (receipt, histogram) = (submission.receipt, submission.histogram)
        struct Report: Encodable {
            let query_id: Int64, query: String, receipt_id: String, digest: String, noise_std: Double, origin: String
            let ledger_spent_epsilon: Double, ledger_remaining_epsilon: Double
        }
        let report = Report(
            query_id: receipt.queryID,
            query: histogram.query.name,
            receipt_id: receipt.receiptID,
            digest: receipt.digest,
            noise_std: histogram.noiseStandardDeviation,
            origin: submission.origin.rawValue,
            ledger_spent_epsilon: ledger.spent.epsilon,
            ledger_remaining_epsilon: ledger.remainingEpsilon
        )
        let verb =
            switch submission.origin {
            case .fresh: "submitted"
            case .resent: "resubmitted the journalled answer (no new charge):"
            case .recorded: "already submitted (no new charge)"
            }
        try context.report(report) {
            String(
                format: "%@ %@ to query %lld (receipt %@); noise std %.3g; ledger ε spent %.4g of %g",
                verb,
                histogram.query.name,
                receipt.queryID,
                receipt.receiptID,
                histogram.noiseStandardDeviation,
                ledger.spent.epsilon,
                ledger.budget.epsilon
            )
        }
        return 0
    }
}

/// `backline analytics fetch`: the federation's published result beside the node's exact values.
struct AnalyticsFetchCommand: Command {
    let name = "fetch"
    let abstract = "Print a federated query's published result beside this node's own exact values"
    var options: [OptionSpec] { AnalyticsNodeSession.options }
    var discussion: String {
        """
        The exact local values are computed on this machine only and never sent; no ledger charge.
          backline analytics fetch --config node.json --query-id 3 --json
        """
    }

    private struct Report: Encodable {
        struct Cell: Encodable {
            let label: String, suppressed: Bool
            let federation_count: Double?, federation_mean: Double?, federation_mean_std: Double?
            let local_members: Int, local_member_mean: Double?
        }
        let query_id: Int64, query: String, measure: String, segment: String, contributors: [String]
        let epsilon: Double, delta: Double, noise_std: Double, cells: [Cell]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let id = try AnalyticsNodeSession.queryID(arguments)
        let session = try AnalyticsNodeSession(arguments)
        let result = try await session.client.result(queryID: id)
        let local = try AnalyticsEngine(try VaultData.load(from: session.vault)).exact(result.query)
        let cells = result.cells.map { cell in
            let mine = local[cell.label]
            return Report.Cell(
                label: cell.label,
                suppressed: cell.suppressed,
                federation_count: cell.count,
                federation_mean: cell.mean,
                federation_mean_std: cell.meanStandardDeviation,
                local_members: mine?.members ?? 0,
                local_member_mean: mine?.memberMean
            )
        }
        let query = result.query
        let report = Report(
            query_id: result.queryID,
            query: query.name,
            measure: query.measure.name,
            segment: query.segment.name,
            contributors: result.contributors,
            epsilon: result.epsilon,
            delta: result.delta,
            noise_std: result.noiseStandardDeviation,
            cells: cells
        )
        try context.report(report) {
            var lines = [
                "\(query.name): \(query.measure.name) (\(query.measure.unit)) by \(query.segment.name); federation of "
                    + "\(result.contributors.count) promoters, DP ε = \(result.epsilon) each; local values EXACT (do not share)",
                "  cell: federation ~members, mean ± std | local members, mean",
            ]
            for cell in cells {
                let localMean = cell.local_member_mean.map { String(format: "%.4g", $0) } ?? "-"
                if let count = cell.federation_count, let mean = cell.federation_mean {
                    lines.append(
                        String(
                            format: "  %@: ~%.0f, %.4g ± %.2g | %ld, %@",
                            cell.label,
                            count,
                            mean,
                            cell.federation_mean_std ?? 0,
                            cell.local_members,
                            localMean
                        )
                    )
                } else {
                    lines.append("  \(cell.label): suppressed | \(cell.local_members), \(localMean)")
                }
            }
            return lines.joined(separator: "\n")
        }
        return 0
    }
}
