internal import BacklineAnalytics
import Foundation

/// `backline analytics`: audience behaviour measures, exact or differentially private.
struct AnalyticsCommand: Command {
    let name = "analytics"
    let abstract = "Audience behaviour measures per segment: exact for the promoter, or DP histograms to share"
    var subcommands: [any Command] {
        [AnalyticsListCommand(), AnalyticsRunCommand(), AnalyticsSubmitCommand(), AnalyticsFetchCommand(), AnalyticsReportCommand()]
    }
}

/// `backline analytics list`: the built-in queries, measures and segments.
struct AnalyticsListCommand: Command {
    let name = "list"
    let abstract = "List the built-in queries, and the measures and segments a JSON query may use"

    private struct Listing: Encodable {
        struct Query: Encodable {
            let name: String, measure: String, segment: String, clamp: [Double], max_cells_per_member: Int
        }
        let queries: [Query]
        let measures: [String: String]
        let segments: [String: [String]]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let queries = AnalyticsQuery.builtIn.map {
            Listing.Query(
                name: $0.name,
                measure: $0.measure.name,
                segment: $0.segment.name,
                clamp: [$0.lower, $0.upper],
                max_cells_per_member: $0.maxCellsPerMember
            )
        }
        let listing = Listing(
            queries: queries,
            measures: Dictionary(uniqueKeysWithValues: AnalyticsMeasure.all.map { ($0.name, $0.unit) }),
            segments: Dictionary(uniqueKeysWithValues: AnalyticsSegment.every.map { ($0.name, $0.cells) })
        )
        try context.report(listing) {
            var lines = ["built-in queries (measure by segment, clamp, L = most cells per member):"]
            for query in queries {
                lines.append(
                    "  \(query.name): \(query.measure) by \(query.segment), clamp [\(query.clamp[0]), \(query.clamp[1])], L = \(query.max_cells_per_member)"
                )
            }
            lines.append("measures: " + AnalyticsMeasure.all.map { "\($0.name) (\($0.unit))" }.joined(separator: ", "))
            lines.append("segments: " + AnalyticsSegment.every.map(\.name).joined(separator: ", "))
            return lines.joined(separator: "\n")
        }
        return 0
    }
}
