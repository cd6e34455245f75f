internal import BacklineCore
internal import BacklineVault

/// A vault's members, shows and visits joined once into flat arrays, ready for any number of
/// queries. A *visit* is one (member, show) pair with a ticket, an attendance row, or both.
/// Visits are ordered by member, then by show start.
struct AudienceFacts: Sendable {
    /// Cell of a label-valued segment per member or show; `-1` = derive (age from birth year).
    typealias Cell = Int16

    let memberIDs: [Int64]
    let memberBirthYear: [Int64]
    let memberAgeCell: [Cell]
    let memberGenderCell: [Cell]
    let memberInterests: (offsets: [Int], cells: [Cell])

    let showStart: [Int64]
    let showYear: [Int64]
    let showWeekday: [Cell]
    let showVenueCell: [Cell]
    let showGenres: (offsets: [Int], cells: [Cell])

    /// Visits, grouped by member (``memberVisitOffsets``), by show start within a member.
    let visitShow: [Int32]
    let visitFirstPurchase: [Int64]
    let visitAttended: [Bool]
    let visitScanIn: [Int64]
    let visitScanOut: [Int64]
    let visitMerch: [Float]
    /// Member `m`'s visits are `memberVisitOffsets[m]..<memberVisitOffsets[m+1]`.
    let memberVisitOffsets: [Int]
    /// The latest show start in the vault (the end of observation for repeat measures).
    let lastShowStart: Int64

    static let missing = ColumnarTable.missingInteger
    static let unknownGenre: Cell = Cell(AnalyticsSegment.genres.count + 1)
    static let otherGenre: Cell = Cell(AnalyticsSegment.genres.count)

    init(_ data: VaultData) throws {
        let members = data[VaultSchema.members]
        let artists = data[VaultSchema.artists]
        let shows = data[VaultSchema.shows]
        let tickets = data[VaultSchema.tickets]
        let attendance = data[VaultSchema.attendance]

        // Members.
        memberIDs = members.integers("id")
        var memberIndex = [Int64: Int32](minimumCapacity: memberIDs.count)
        for (row, id) in memberIDs.enumerated() { memberIndex[id] = Int32(row) }
        memberBirthYear = members.integers("birth_year")
        let ageLabels = Self.lookup(members.strings) { AnalyticsSegment.ageBands.firstIndex(of: $0).map { Cell($0) } ?? -1 }
        memberAgeCell = members.textIndices("age_band").map { ageLabels[Int($0)] }
        let genderLabels = Self.lookup(members.strings, Self.genderCell)
        memberGenderCell = members.textIndices("gender").map { genderLabels[Int($0)] }
        let memberGenreLabels = Self.lookup(members.strings, Self.genreCell)
        memberInterests = Self.genreLists(members.list("interests"), labels: memberGenreLabels)

        // Shows, with the headliner's genres from the catalogue.
        let artistIDs = artists.integers("id")
        var artistIndex = [Int64: Int](minimumCapacity: artistIDs.count)
        for (row, id) in artistIDs.enumerated() { artistIndex[id] = row }
        let artistGenreLabels = Self.lookup(artists.strings, Self.genreCell)
        let artistGenres = artists.list("genres")
        let showIDs = shows.integers("id")
        var showIndex = [Int64: Int32](minimumCapacity: showIDs.count)
        for (row, id) in showIDs.enumerated() { showIndex[id] = Int32(row) }
        showStart = shows.integers("start")
        showYear = showStart.map(UTCCalendar.year)
        showWeekday = showStart.map { Cell(UTCCalendar.weekday($0)) }
        showVenueCell = shows.integers("capacity").map(Self.venueCell)
        let bills = shows.list("artists")
        var genreOffsets = [0]
        var genreCells: [Cell] = []
        for row in 0..<shows.rowCount {
            let before = genreCells.count
            if bills.offsets[row] < bills.offsets[row + 1], let artist = artistIndex[bills.values[bills.offsets[row]]] {
                for position in artistGenres.offsets[artist]..<artistGenres.offsets[artist + 1] {
                    let cell = artistGenreLabels[Int(artistGenres.values[position])]
                    if !genreCells[before...].contains(cell) { genreCells.append(cell) }
                }
            }
            if genreCells.count == before { genreCells.append(Self.unknownGenre) }
            genreOffsets.append(genreCells.count)
        }
        showGenres = (genreOffsets, genreCells)
        lastShowStart = showStart.max() ?? 0

        // Visits: one per (member, show), from tickets then attendance.
        struct Visit {
            var member: Int32, show: Int32, firstPurchase: Int64 = AudienceFacts.missing
            var attended = false, scanIn: Int64 = AudienceFacts.missing, scanOut: Int64 = AudienceFacts.missing
            var merch: Float = 0
        }
        var visits: [Visit] = []
        visits.reserveCapacity(tickets.rowCount + attendance.rowCount / 8)
        var visitIndex = [Int64: Int](minimumCapacity: tickets.rowCount)
        let showCount = Int64(max(showIDs.count, 1))
        func resolve(_ table: String, _ row: Int, member: Int64, show: Int64) throws -> (Int32, Int32) {
            guard let m = memberIndex[member] else {
                throw AnalyticsError.inconsistentData(table: table, row: row, "refers to member id \(member), not in members")
            }
            guard let s = showIndex[show] else {
                throw AnalyticsError.inconsistentData(table: table, row: row, "refers to show id \(show), not in shows")
            }
            return (m, s)
        }
        let ticketMembers = tickets.integers("member")
        let ticketShows = tickets.integers("show")
        let purchased = tickets.integers("purchased")
        for row in 0..<tickets.rowCount {
            let (m, s) = try resolve("tickets", row, member: ticketMembers[row], show: ticketShows[row])
            let key = Int64(m) * showCount + Int64(s)
            if let existing = visitIndex[key] {
                visits[existing].firstPurchase = min(visits[existing].firstPurchase, purchased[row])
            } else {
                visitIndex[key] = visits.count
                visits.append(Visit(member: m, show: s, firstPurchase: purchased[row]))
            }
        }
        let attendMembers = attendance.integers("member")
        let attendShows = attendance.integers("show")
        let scanIns = attendance.integers("scan_in")
        let scanOuts = attendance.integers("scan_out")
        let merch = attendance.reals("merch_spend")
        for row in 0..<attendance.rowCount {
            let (m, s) = try resolve("attendance", row, member: attendMembers[row], show: attendShows[row])
            guard merch[row].isFinite, merch[row] >= 0 else {
                throw AnalyticsError.inconsistentData(table: "attendance", row: row, "merch_spend is negative or not finite")
            }
            let key = Int64(m) * showCount + Int64(s)
            let position: Int
            if let existing = visitIndex[key] {
                position = existing
            } else {
                position = visits.count
                visitIndex[key] = position
                visits.append(Visit(member: m, show: s))
            }
            visits[position].attended = true
            visits[position].scanIn = scanIns[row]
            visits[position].scanOut = scanOuts[row]
            visits[position].merch = merch[row]
        }
        visitIndex = [:]
        let starts = showStart
        visits.sort { ($0.member, starts[Int($0.show)], $0.show) < ($1.member, starts[Int($1.show)], $1.show) }
        var offsets = [Int](repeating: 0, count: memberIDs.count + 1)
        for visit in visits { offsets[Int(visit.member) + 1] += 1 }
        for index in 0..<memberIDs.count { offsets[index + 1] += offsets[index] }
        memberVisitOffsets = offsets
        visitShow = visits.map(\.show)
        visitFirstPurchase = visits.map(\.firstPurchase)
        visitAttended = visits.map(\.attended)
        visitScanIn = visits.map(\.scanIn)
        visitScanOut = visits.map(\.scanOut)
        visitMerch = visits.map(\.merch)
    }

    /// Number of members.
    var memberCount: Int { memberIDs.count }
    /// Number of visits.
    var visitCount: Int { visitShow.count }

    /// `transform` applied once to every string of `table`.
    private static func lookup(_ table: StringTable, _ transform: (String) -> Cell) -> [Cell] {
        table.strings.map(transform)
    }

    /// Genre lists (string indices) as cells, each list deduplicated, `unknown` for an empty one.
    private static func genreLists(_ list: (offsets: [Int], values: [Int64]), labels: [Cell]) -> ([Int], [Cell]) {
        var offsets = [0]
        offsets.reserveCapacity(list.offsets.count)
        var cells: [Cell] = []
        cells.reserveCapacity(list.values.count)
        for row in 0..<(list.offsets.count - 1) {
            let before = cells.count
            for position in list.offsets[row]..<list.offsets[row + 1] {
                let cell = labels[Int(list.values[position])]
                if !cells[before...].contains(cell) { cells.append(cell) }
            }
            if cells.count == before { cells.append(unknownGenre) }
            offsets.append(cells.count)
        }
        return (offsets, cells)
    }

    static func genreCell(_ text: String) -> Cell {
        let name = text.lowercased()
        if name.isEmpty { return unknownGenre }
        return AnalyticsSegment.genres.firstIndex(of: name).map { Cell($0) } ?? otherGenre
    }

    static func genderCell(_ text: String) -> Cell {
        switch text.lowercased() {
        case "f", "female", "woman": 0
        case "m", "male", "man": 1
        case "": 3
        default: 2
        }
    }

    static func venueCell(_ capacity: Int64) -> Cell {
        guard capacity != missing, capacity >= 0 else { return Cell(AnalyticsSegment.venueSizes.count) }
        return Cell(AnalyticsSegment.venueSizes.firstIndex { capacity <= $0.maximumCapacity }!)
    }

    /// The age band cell for an age in years (`unknown` below 0 or above 150).
    static func ageCell(age: Int64) -> Cell {
        switch age {
        case ..<0, 151...: Cell(AnalyticsSegment.ageBands.count)
        case ..<25: 0
        case ..<35: 1
        case ..<45: 2
        case ..<55: 3
        case ..<65: 4
        default: 5
        }
    }
}
