/// One member's events in one cell of a query: how many, their sum, and their clamped sum.
struct CellTally: Sendable {
    var cell: Int
    var events: Int
    var sum: Double
    var clampedSum: Double
}

extension AudienceFacts {
    /// The value of `measure` for visit `visit` of a member whose visits are `range`, or nil
    /// when the measure is not defined for it (no ticket, no scan-out, censored window…).
    func value(_ measure: AnalyticsMeasure, visit: Int, range: Range<Int>) -> Double? {
        let start = showStart[Int(visitShow[visit])]
        let hasTicket = visitFirstPurchase[visit] != Self.missing
        let attended = visitAttended[visit]
        switch measure.kind {
        case .attendance: return hasTicket ? (attended ? 1 : 0) : nil
        case .noShow: return hasTicket ? (attended ? 0 : 1) : nil
        case .leadTime: return hasTicket ? Double(start - visitFirstPurchase[visit]) / 86_400 : nil
        case .arrivalOffset: return attended ? Double(visitScanIn[visit] - start) / 60 : nil
        case .departureOffset:
            return attended && visitScanOut[visit] != Self.missing ? Double(visitScanOut[visit] - start) / 60 : nil
        case .dwell:
            return attended && visitScanOut[visit] != Self.missing
                ? Double(visitScanOut[visit] - visitScanIn[visit]) / 60 : nil
        case .merchSpend: return attended ? Double(visitMerch[visit]) : nil
        case .repeat6m: return attended ? repeated(visit: visit, range: range, within: 183 * 86_400) : nil
        case .repeat12m: return attended ? repeated(visit: visit, range: range, within: 365 * 86_400) : nil
        }
    }

    /// 1 if the member attended a later show within `window` seconds, 0 if not, nil if the
    /// window runs past the end of the data (censored).
    private func repeated(visit: Int, range: Range<Int>, within window: Int64) -> Double? {
        let start = showStart[Int(visitShow[visit])]
        guard start <= lastShowStart - window else { return nil }
        for later in (visit + 1)..<range.upperBound where visitAttended[later] {
            let next = showStart[Int(visitShow[later])]
            if next > start { return next <= start + window ? 1 : 0 }
        }
        return 0
    }

    /// Appends the cells of `segment` that visit `visit` of member `member` falls in.
    func cells(_ segment: AnalyticsSegment, member: Int, visit: Int, into cells: inout [Int]) {
        let show = Int(visitShow[visit])
        switch segment.kind {
        case .all: cells.append(0)
        case .ageBand:
            var cell = memberAgeCell[member]
            if cell < 0 {
                let birth = memberBirthYear[member]
                cell = birth == Self.missing ? Cell(AnalyticsSegment.ageBands.count) : Self.ageCell(age: showYear[show] - birth)
            }
            cells.append(Int(cell))
        case .gender: cells.append(Int(memberGenderCell[member]))
        case .interestGenre:
            for position in memberInterests.offsets[member]..<memberInterests.offsets[member + 1] {
                cells.append(Int(memberInterests.cells[position]))
            }
        case .artistGenre:
            for position in showGenres.offsets[show]..<showGenres.offsets[show + 1] {
                cells.append(Int(showGenres.cells[position]))
            }
        case .venueSize: cells.append(Int(showVenueCell[show]))
        case .weekday: cells.append(Int(showWeekday[show]))
        }
    }

    /// Calls `body` once per member with events for `query`, with the member's id and their
    /// tallies per cell (in order of first appearance). Values that are not finite are skipped.
    func forEachMember(_ query: AnalyticsQuery, _ body: (Int64, [CellTally]) throws -> Void) rethrows {
        let cellCount = query.segment.cells.count
        var slot = [Int](repeating: -1, count: cellCount)
        var tallies: [CellTally] = []
        var cells: [Int] = []
        for member in 0..<memberCount {
            let range = memberVisitOffsets[member]..<memberVisitOffsets[member + 1]
            if range.isEmpty { continue }
            tallies.removeAll(keepingCapacity: true)
            for visit in range {
                guard let value = value(query.measure, visit: visit, range: range), value.isFinite else { continue }
                let clamped = min(max(value, query.lower), query.upper)
                cells.removeAll(keepingCapacity: true)
                self.cells(query.segment, member: member, visit: visit, into: &cells)
                for cell in cells {
                    if slot[cell] < 0 {
                        slot[cell] = tallies.count
                        tallies.append(CellTally(cell: cell, events: 0, sum: 0, clampedSum: 0))
                    }
                    tallies[slot[cell]].events += 1
                    tallies[slot[cell]].sum += value
                    tallies[slot[cell]].clampedSum += clamped
                }
            }
            for tally in tallies { slot[tally.cell] = -1 }
            if !tallies.isEmpty { try body(memberIDs[member], tallies) }
        }
    }
}
