internal import BacklineModel
internal import BacklineVault

/// Options of every query on a vault with its model.
let vaultModelOptions: [OptionSpec] = vaultOptions + [.value("model", "MODEL", "Model file made by 'backline model train' on this vault")]

/// `backline match`: the members of the vault most likely to come to a show or want an artist.
struct MatchCommand: Command {
    let name = "match"
    let abstract = "Rank the vault's members by interest in a show or an artist (whom to invite)"
    var discussion: String {
        "Score = mean over the show's bill of u·v (member representation · artist representation).\nFor --show, members who already hold tickets are left out.\nExample: backline match --vault v --key-file k.kek --model m.safetensors --show 17 --top 100"
    }
    var options: [OptionSpec] {
        vaultModelOptions + [
            .value("show", "ID", "Show id (from the vault)"),
            .value("artist", "ID", "Artist id"),
            .value("top", "N", "Number of members (default 10)"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let top = try arguments.integer("top", default: 10, in: 1...1_000_000_000)
        let showText = arguments.value("show")
        let artistText = arguments.value("artist")
        guard (showText == nil) != (artistText == nil) else { throw UsageError("give exactly one of --show or --artist") }
        let session = try NodeModelSession(arguments)
        let lineup: [Int]
        let excluded: Set<Int>
        let header: String
        if let showText {
            let show = try session.shows().require(showText)
            (lineup, excluded, header) = (show.lineup, show.buyers, "members to invite to show \(showText)")
        } else {
            (lineup, excluded, header) = ([try session.artistIndex(artistText!)], [], "members most interested in artist \(artistText!)")
        }
        let items = try Recommender(model: session.model).match(lineup: lineup, members: session.members, excluding: excluded, top: top)
        let rows = QueryReport.rows(items) { (String(session.view.memberIDs[$0]), nil, nil) }
        struct Report: Encodable {
            let query: String
            let excludedTicketHolders: Int
            let results: [QueryReport.Row]
        }
        try context.report(Report(query: header, excludedTicketHolders: excluded.count, results: rows)) { QueryReport.text(header, rows) }
        return 0
    }
}
