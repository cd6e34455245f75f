internal import BacklineReport

/// `backline report federation`: the demo's report, from a federation summary JSON file.
struct ReportFederationCommand: Command {
    let name = "federation"
    let abstract = "The federation's report: training, privacy spending against budgets, quality, audit, behaviour"
    var options: [OptionSpec] {
        [
            .value("input", "SUMMARY.json", "The federation summary (schema: README, 'Reports')"),
            .value("out", "FILE", "Where to write the HTML report"),
        ]
    }
    var discussion: String {
        "The summary is JSON with snake_case fields: title, federation, generated_at, rounds, quality, budgets,\naudit, match_example (optional), behaviour (optional). Unknown or missing fields are errors naming the field."
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let input = try arguments.required("input")
        let out = try arguments.required("out")
        let summary = try FederationSummary.load(try readReportInput(input, option: "input"), document: input)
        let promoters = Set(summary.budgets.map(\.promoter) + summary.quality.map(\.promoter) + summary.rounds.flatMap(\.epsilonSpent.keys))
        return try writeReport(
            FederationReport(summary: summary).document,
            to: out,
            details: ["rounds": summary.rounds.count, "promoters": promoters.count, "behaviour_rows": summary.behaviour?.count ?? 0],
            context
        )
    }
}
