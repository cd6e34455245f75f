internal import BacklineAnalytics
internal import BacklinePrivacy
internal import BacklineVault
import Foundation

/// `backline analytics run`: one query on the local vault, exact or as a DP histogram charged to
/// the promoter's privacy ledger (kept encrypted in the vault as stream `privacy_ledger`).
struct AnalyticsRunCommand: Command {
    let name = "run"
    let abstract = "Answer a query on the local vault: a DP histogram charged to the ledger, or --exact"
    var options: [OptionSpec] {
        vaultOptions + [
            .value("query", "Q", "A built-in query (see 'analytics list')"),
            .value("query-file", "PATH", "Instead of --query: a JSON query definition"),
            .value("epsilon", "E", "ε of this release (default 1)"),
            .value("delta", "D", "δ of this release (default 1e-5)"),
            .value("promoter", "NAME", "Promoter the ledger belongs to, for a new ledger (default 'local')"),
            .value("budget-epsilon", "E", "Total ε budget, for a new ledger (default 10)"),
            .value("budget-delta", "D", "δ of the budget, for a new ledger (default 1e-5)"),
            .flag("exact", "Exact answer for the promoter's eyes only: no noise, no ledger charge"),
        ]
    }
    var discussion: String {
        """
        A DP release is charged to the ledger before anything is computed; over budget it is refused
        (exit code 1) and nothing is computed. Cells whose noise std exceeds their noised count or sum
        are reported as suppressed. Examples:
          backline analytics run --vault v --key-file k --query dwell_by_genre --epsilon 0.5
          backline analytics run --vault v --key-file k --query no_show_by_genre --exact --json
        """
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let query = try Self.query(arguments)
        let exact = arguments.flag("exact")
        let epsilon = try arguments.double("epsilon", default: 1, in: 1e-3...100)
        let delta = try arguments.double("delta", default: 1e-5, in: 1e-15...0.1)
        let factory = try openVaultStreams(arguments, create: false)
        let engine = try AnalyticsEngine(try VaultData.load(from: factory))
        if exact {
            try report(engine.exact(query), context: context)
            return 0
        }
        let persistence = VaultLedgerPersistence(factory: factory)
        var ledger =
            try persistence.load()
            ?? PrivacyLedger(
                promoter: arguments.value("promoter") ?? "local",
                budget: try PrivacyBudget(
                    epsilon: try arguments.double("budget-epsilon", default: 10, in: 1e-3...1e6),
                    delta: try arguments.double("budget-delta", default: 1e-5, in: 1e-15...0.1)
                )
            )
        let mechanism = try HistogramMechanism(query: query, epsilon: epsilon, delta: delta)
        var source = SecureNoiseSource()
        let histogram = try engine.release(mechanism, ledger: &ledger, persistence: persistence, using: &source)
        try report(histogram, mechanism: mechanism, epsilon: epsilon, delta: delta, ledger: ledger, context: context)
        return 0
    }

    private static func query(_ arguments: ParsedArguments) throws -> AnalyticsQuery {
        switch (arguments.value("query"), arguments.value("query-file")) {
        case (.some(let name), .none): return try AnalyticsQuery.builtIn(named: name)
        case (.none, .some(let path)):
            guard let handle = FileHandle(forReadingAtPath: path) else { throw UsageError("cannot read --query-file \(path)") }
            defer { try? handle.close() }
            let data = try handle.read(upToCount: AnalyticsQuery.maximumDefinitionBytes + 1) ?? Data()
            return try AnalyticsQuery.decode(data)
        default: throw UsageError("give exactly one of --query or --query-file")
        }
    }

    private struct ExactReport: Encodable {
        struct Cell: Encodable {
            let label: String
            let members: Int
            let events: Int
            let event_mean: Double?
            let member_mean: Double?
        }
        let query: String, measure: String, segment: String, exact: Bool, cells: [Cell]
    }

    private func report(_ histogram: ExactHistogram, context: CommandContext) throws {
        let cells = histogram.cells.map {
            ExactReport.Cell(label: $0.label, members: $0.members, events: $0.events, event_mean: $0.eventMean, member_mean: $0.memberMean)
        }
        let query = histogram.query
        let value = ExactReport(query: query.name, measure: query.measure.name, segment: query.segment.name, exact: true, cells: cells)
        try context.report(value) {
            var lines = ["\(query.name): \(query.measure.name) (\(query.measure.unit)) by \(query.segment.name), EXACT (do not share)"]
            for cell in cells {
                let mean = cell.event_mean.map { String(format: "%.4g", $0) } ?? "-"
                lines.append("  \(cell.label): \(cell.members) members, \(cell.events) events, mean \(mean)")
            }
            return lines.joined(separator: "\n")
        }
    }

    private struct PrivateReport: Encodable {
        struct Cell: Encodable {
            let label: String
            let count: Double
            let sum: Double
            let mean: Double?
            let mean_std: Double
            let suppressed: Bool
        }
        let query: String, measure: String, segment: String, exact: Bool
        let epsilon: Double, delta: Double, noise_multiplier: Double, noise_std: Double
        let cells: [Cell]
        let ledger_spent_epsilon: Double, ledger_remaining_epsilon: Double
    }

    private func report(
        _ histogram: NoisedHistogram,
        mechanism: HistogramMechanism,
        epsilon: Double,
        delta: Double,
        ledger: PrivacyLedger,
        context: CommandContext
    ) throws {
        let cells = histogram.cells.indices.map { index in
            PrivateReport.Cell(
                label: histogram.cells[index].label,
                count: histogram.cells[index].count,
                sum: histogram.sum(index),
                mean: histogram.mean(index),
                mean_std: histogram.meanStandardDeviation(index),
                suppressed: histogram.isSuppressed(index)
            )
        }
        let query = histogram.query
        let value = PrivateReport(
            query: query.name,
            measure: query.measure.name,
            segment: query.segment.name,
            exact: false,
            epsilon: epsilon,
            delta: delta,
            noise_multiplier: mechanism.noiseMultiplier,
            noise_std: histogram.noiseStandardDeviation,
            cells: cells,
            ledger_spent_epsilon: ledger.spent.epsilon,
            ledger_remaining_epsilon: ledger.remainingEpsilon
        )
        try context.report(value) {
            var lines = [
                "\(query.name): \(query.measure.name) (\(query.measure.unit)) by \(query.segment.name), "
                    + String(format: "DP ε = %g, δ = %g, noise std %.3g per count", epsilon, delta, histogram.noiseStandardDeviation)
            ]
            for cell in cells {
                if let mean = cell.mean {
                    lines.append(String(format: "  %@: ~%.0f members, mean %.4g ± %.2g", cell.label, cell.count, mean, cell.mean_std))
                } else {
                    lines.append("  \(cell.label): suppressed (noise exceeds the value)")
                }
            }
            lines.append(String(format: "ledger of '%@': ε spent %.4g of %g", ledger.promoter, ledger.spent.epsilon, ledger.budget.epsilon))
            return lines.joined(separator: "\n")
        }
    }
}
