/// `backline analytics report`: the promoter's behaviour report with tables and charts — the same
/// HTML report as `backline report promoter`, under the analytics commands where promoters look
/// for it.
struct AnalyticsReportCommand: Command {
    private let report = ReportPromoterCommand()
    let name = "report"
    let abstract = "Write the behaviour report (tables and SVG charts, one HTML file): same as 'backline report promoter'"
    var options: [OptionSpec] { report.options }
    var discussion: String { report.discussion }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        try await report.run(arguments, context)
    }
}
