internal import BacklineModel
internal import BacklineVault
import Foundation

/// `backline recommend --vault …`: artists and upcoming shows for a member of the vault.
enum VaultRecommendQuery {
    /// Options added to `backline recommend` for vault mode.
    static let options: [OptionSpec] =
        vaultOptions + [
            .value("now", "TIME", "What counts as upcoming: shows starting at or after TIME (Unix seconds or ISO 8601; default now)")
        ]

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let top = try arguments.integer("top", default: 10, in: 1...1_000_000)
        let memberText = try arguments.required("member")
        let now = try NodeModelSupport.now(arguments)
        let session = try NodeModelSession(arguments)
        let row = try session.memberRow(memberText)
        let member = session.members.row(row)
        let interactions = session.view.interactions
        let owned = Set(interactions.columns[interactions.rowOffsets[row]..<interactions.rowOffsets[row + 1]].map(Int.init))
        let recommender = Recommender(model: session.model)
        let names = session.artistNames()
        let artistItems = try recommender.recommend(member: member, excluding: owned, top: top)
        let artists = QueryReport.rows(artistItems) { index in
            let id = session.view.artistIDs[index]
            return (String(id), names[id], nil)
        }
        let upcoming = try session.shows().upcoming(from: now)
        let held = Set(upcoming.indices.filter { upcoming[$0].buyers.contains(row) })
        var shows: [QueryReport.Row] = []
        if upcoming.count > held.count {
            let showItems = try recommender.recommendShows(member: member, shows: upcoming.map(\.lineup), excluding: held, top: top)
            shows = QueryReport.rows(showItems) { index in
                let show = upcoming[index]
                let date = Date(timeIntervalSince1970: TimeInterval(show.start)).ISO8601Format()
                return (String(show.id), show.artistIDs.map { names[$0] ?? String($0) }.joined(separator: " + "), date)
            }
        }
        struct Report: Encodable {
            let member: String
            let ownedArtists: Int
            let artists: [QueryReport.Row]
            let upcomingShows: Int
            let shows: [QueryReport.Row]
        }
        let report = Report(member: memberText, ownedArtists: owned.count, artists: artists, upcomingShows: upcoming.count, shows: shows)
        try context.report(report) {
            QueryReport.text("artists for member \(memberText) (\(owned.count) already known, left out)", artists) + "\n"
                + QueryReport.text(
                    "upcoming shows for member \(memberText) (\(upcoming.count) upcoming, \(held.count) already booked)",
                    shows
                )
        }
        return 0
    }
}
