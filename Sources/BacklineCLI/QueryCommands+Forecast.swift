internal import BacklineModel
internal import BacklineVault
import Foundation

/// `backline forecast`: expected ticket sales of a show, with an interval; `--evaluate` replays
/// held-out past shows against the naive forecast.
struct ForecastCommand: Command {
    let name = "forecast"
    let abstract = "Forecast a show's ticket sales from the vault's members (or evaluate the forecast on past shows)"
    var discussion: String {
        """
        Each member's score for the bill goes through a Platt calibration fitted on the shows that
        started before the forecast show (and before --now); the sum of the probabilities is the
        expected number of buyers, Σp(1−p) its variance (normal interval at --z), capped at the
        venue's capacity. Tickets = buyers × the tickets per buyer of those past shows.
        --evaluate: the last --holdout share of past shows is held out, a model with the model
        file's hyper-parameters is trained on the vault without their tickets and attendance,
        and each held-out show is forecast (calibration on the shows before it) and compared,
        as MAPE of buyers, with the naive forecast (the headliner's or a bill artist's previous
        show's buyers, else the mean of previous shows).
        """
    }
    var options: [OptionSpec] {
        vaultModelOptions + [
            .value("show", "ID", "Show id to forecast"),
            .value("now", "TIME", "Shows starting before TIME are past (Unix seconds or ISO 8601; default now)"),
            .value("z", "Z", "Interval half-width in standard deviations (default 1.96)"),
            .flag("evaluate", "Evaluate the forecast on held-out past shows instead"),
            .value("holdout", "FRACTION", "Share of past shows held out by --evaluate (default 0.3)"),
            .value("threads", "N", "Worker threads for --evaluate's training (default 2)"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let now = try NodeModelSupport.now(arguments)
        if arguments.flag("evaluate") { return try evaluate(arguments, context, now: now) }
        let z = try arguments.double("z", default: 1.96, in: 0...10)
        let showText = try arguments.required("show")
        let session = try NodeModelSession(arguments)
        let catalogue = try session.shows()
        let show = try catalogue.require(showText)
        let history = catalogue.past(before: min(show.start, now)).filter { $0.id != show.id }
        guard !history.isEmpty else { throw UsageError("no past show before show \(showText) to calibrate on (see --now)") }
        let forecaster = try DemandForecaster(
            recommender: Recommender(model: session.model),
            members: session.members,
            pastShows: history.map { PastShow(lineup: $0.lineup, buyers: $0.buyers) }
        )
        let capacity = show.capacity > 0 ? show.capacity : session.members.rows
        let buyers = try forecaster.forecast(lineup: show.lineup, capacity: capacity, z: z)
        let pastBuyers = history.reduce(0) { $0 + $1.buyers.count }
        let pastTickets = history.reduce(0) { $0 + $1.tickets }
        let perBuyer = pastBuyers > 0 ? Double(pastTickets) / Double(pastBuyers) : 1
        struct Report: Encodable {
            let show: String
            let start: String
            let capacity: Int
            let calibrationShows: Int
            let expectedBuyers: Double
            let buyersLower: Double
            let buyersUpper: Double
            let ticketsPerBuyer: Double
            let expectedTickets: Double
            let ticketsLower: Double
            let ticketsUpper: Double
            let actualBuyers: Int?
            let actualTickets: Int?
        }
        let past = show.start < now
        let cap = Double(capacity)
        let report = Report(
            show: showText,
            start: Date(timeIntervalSince1970: TimeInterval(show.start)).ISO8601Format(),
            capacity: capacity,
            calibrationShows: history.count,
            expectedBuyers: buyers.expected,
            buyersLower: buyers.lower,
            buyersUpper: buyers.upper,
            ticketsPerBuyer: perBuyer,
            expectedTickets: min(cap, buyers.expected * perBuyer),
            ticketsLower: min(cap, buyers.lower * perBuyer),
            ticketsUpper: min(cap, buyers.upper * perBuyer),
            actualBuyers: past ? show.buyers.count : nil,
            actualTickets: past ? show.tickets : nil
        )
        try context.report(report) {
            var text = String(
                format:
                    "show %@ (%@, capacity %d): expected tickets %.1f [%.1f, %.1f] (buyers %.1f [%.1f, %.1f]; calibrated on %d past shows)",
                showText,
                report.start,
                capacity,
                report.expectedTickets,
                report.ticketsLower,
                report.ticketsUpper,
                buyers.expected,
                buyers.lower,
                buyers.upper,
                history.count
            )
            if past { text += "\nactual: \(show.tickets) tickets, \(show.buyers.count) buyers" }
            return text
        }
        return 0
    }

    private func evaluate(_ arguments: ParsedArguments, _ context: CommandContext, now: Int64) throws -> Int32 {
        let holdout = try arguments.double("holdout", default: 0.3, in: 0.01...0.9)
        let threads = try arguments.integer("threads", default: 2, in: 1...256)
        let session = try NodeModelSession(arguments)
        let past = try session.shows().past(before: now)
        let warmUp = min(past.count - 1, max(2, Int((Double(past.count) * (1 - holdout)).rounded(.down))))
        guard past.count >= 3, warmUp >= 1 else {
            throw UsageError("--evaluate needs at least 3 past shows, the vault has \(past.count) before --now")
        }
        let heldOut = Set(past[warmUp...].map(\.id))
        var data = session.data
        for schema in [VaultSchema.tickets, VaultSchema.attendance] {
            var table = data[schema]
            let shows = table.integers("show")
            table.retainRows(from: 0) { !heldOut.contains(shows[$0]) }
            data[schema] = table
        }
        let view = try data.trainingView()
        let note: (@Sendable (String) -> Void)? = context.json ? nil : context.note
        let result = try NodeModelSupport.train(
            view,
            configuration: NodeModelSupport.configuration(of: session.archive, threads: threads),
            note: note
        )
        let catalogue = try NodeShowCatalogue(
            data: session.data,
            artistIndex: { view.artistIndex(of: $0) },
            memberRow: { view.memberIndex(of: $0) }
        )
        let replay = catalogue.past(before: now).map { PastShow(lineup: $0.lineup, buyers: $0.buyers) }
        let evaluation = try DemandForecaster.evaluate(
            recommender: Recommender(model: result.model),
            members: result.memberRepresentations,
            shows: replay,
            warmUp: warmUp
        )
        struct Report: Encodable {
            let pastShows: Int
            let trainingShows: Int
            let heldOutShows: Int
            let evaluatedShows: Int
            let modelMAPE: Double
            let naiveMAPE: Double
        }
        let report = Report(
            pastShows: past.count,
            trainingShows: warmUp,
            heldOutShows: heldOut.count,
            evaluatedShows: evaluation.shows,
            modelMAPE: evaluation.modelMAPE,
            naiveMAPE: evaluation.naiveMAPE
        )
        try context.report(report) {
            String(
                format: "forecast on %d held-out past shows (trained on the %d before them): MAPE model %.1f %%, naive %.1f %%",
                evaluation.shows,
                warmUp,
                100 * evaluation.modelMAPE,
                100 * evaluation.naiveMAPE
            )
        }
        return 0
    }
}
