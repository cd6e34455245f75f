internal import BacklineModel
internal import BacklineVault

/// The vault's shows as the queries need them: lineups as model artist indices, start times,
/// capacities and the member rows that bought tickets.
struct NodeShowCatalogue {
    /// One show.
    struct Show {
        let id: Int64
        /// Artist ids of the bill, headliner first.
        let artistIDs: [Int64]
        /// Model artist indices of the bill.
        let lineup: [Int]
        let start: Int64
        let capacity: Int
        /// Training-view member rows that bought tickets.
        let buyers: Set<Int>
        /// Tickets sold (sum of quantities).
        let tickets: Int
    }

    let shows: [Show]
    private let positions: [Int64: Int]

    /// Reads the shows and tickets of `data`; `artistIndex` maps an artist id to the model's
    /// index, `memberRow` a member id to its row.
    init(data: VaultData, artistIndex: (Int64) -> Int?, memberRow: (Int64) -> Int?) throws {
        let table = data[VaultSchema.shows]
        let tickets = data[VaultSchema.tickets]
        let bill = table.list("artists")
        let starts = table.integers("start")
        let capacities = table.integers("capacity")
        var buyers: [Int64: Set<Int>] = [:]
        var sold: [Int64: Int] = [:]
        for (row, (member, show)) in zip(tickets.integers("member"), tickets.integers("show")).enumerated() {
            if let memberRow = memberRow(member) { buyers[show, default: []].insert(memberRow) }
            sold[show, default: 0] += Int(tickets.integers("quantity")[row])
        }
        var shows: [Show] = []
        for (row, id) in table.integers("id").enumerated() {
            let artistIDs = Array(bill.values[bill.offsets[row]..<bill.offsets[row + 1]])
            let lineup = try artistIDs.map { artist -> Int in
                guard let index = artistIndex(artist) else {
                    throw ModelError.invalidShape(
                        "show \(id) names artist \(artist), which the model does not have; train the model on this vault"
                    )
                }
                return index
            }
            let capacity = capacities[row] == ColumnarTable.missingInteger ? 0 : Int(capacities[row])
            shows.append(
                Show(
                    id: id,
                    artistIDs: artistIDs,
                    lineup: lineup,
                    start: starts[row],
                    capacity: capacity,
                    buyers: buyers[id] ?? [],
                    tickets: sold[id] ?? 0
                )
            )
        }
        self.shows = shows
        positions = Dictionary(shows.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The show with id text `text`, or `unknownIdentifier` naming it.
    func require(_ text: String) throws -> Show {
        guard let id = Int64(text), let position = positions[id] else { throw ModelError.unknownIdentifier("show", text) }
        return shows[position]
    }

    /// Shows that started before `time`, oldest first.
    func past(before time: Int64) -> [Show] { shows.filter { $0.start < time }.sorted { ($0.start, $0.id) < ($1.start, $1.id) } }

    /// Shows starting at or after `time`, soonest first.
    func upcoming(from time: Int64) -> [Show] { shows.filter { $0.start >= time }.sorted { ($0.start, $0.id) < ($1.start, $1.id) } }
}
