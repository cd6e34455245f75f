import BacklineAnalytics
import BacklineCore
import BacklineVault
import Testing

@Suite struct ExactAnswerTests {
    private let engine: AnalyticsEngine

    init() throws { engine = try AnalyticsEngine(VaultBuilder.tiny()) }

    private func cell(_ query: String, _ label: String) throws -> ExactHistogram.Cell {
        try #require(engine.exact(try AnalyticsQuery.builtIn(named: query))[label])
    }

    @Test func attendanceRatesFollowTheAgeBandAtTheShow() throws {
        let adults = try cell("attendance_by_age_band", "35-44")  // member 1, 35 in 2025
        #expect(adults.members == 1 && adults.events == 2 && adults.eventMean == 1)
        let young = try cell("attendance_by_age_band", "<25")  // member 2, 20 in 2025, one no-show
        #expect(young.members == 1 && young.events == 2 && young.eventMean == 0.5)
        let senior = try cell("attendance_by_age_band", "65+")  // member 3, 66 in 2026
        #expect(senior.events == 1 && senior.eventMean == 1)
        #expect(try cell("attendance_by_age_band", "25-34").events == 0)
    }

    @Test func noShowsByWeekdayOfTheShow() throws {
        let friday = try cell("no_show_by_weekday", "fri")
        #expect(friday.events == 2 && friday.members == 2 && friday.eventMean == 0.5 && friday.memberMean == 0.5)
        #expect(try cell("no_show_by_weekday", "sat").eventMean == 0)
        #expect(try cell("no_show_by_weekday", "thu").eventMean == 0)
        #expect(try cell("no_show_by_weekday", "mon").events == 0)
    }

    @Test func arrivalIsMinutesAfterTheStart() throws {
        #expect(try cell("arrival_offset_by_age_band", "35-44").eventMean == -10)
        #expect(try cell("arrival_offset_by_age_band", "<25").eventMean == -20)
        #expect(try cell("arrival_offset_by_age_band", "65+").eventMean == 0)
    }

    @Test func dwellNeedsAScanOutAndSplitsByHeadlinerGenre() throws {
        let rock = try cell("dwell_by_genre", "rock")  // member 3 has no scan-out
        #expect(rock.events == 1 && rock.eventMean == 150)
        let pop = try cell("dwell_by_genre", "pop")
        #expect(pop.events == 2 && pop.members == 2 && pop.eventMean == 85)
        let departures = try cell("departure_offset_by_age_band", "<25")
        #expect(departures.eventMean == 60)
    }

    @Test func merchandiseByVenueSize() throws {
        #expect(try cell("merch_by_venue_size", "bar").eventMean == 20)
        #expect(try cell("merch_by_venue_size", "academy").eventMean == 20)
        #expect(try cell("merch_by_venue_size", "arena").eventMean == 0)
        #expect(try cell("merch_by_venue_size", "club").events == 0)
    }

    @Test func repeatAttendanceIsCensoredAtTheEndOfTheData() throws {
        let women = try cell("repeat_6m_by_gender", "f")  // back 57 days later, then not again
        #expect(women.events == 2 && women.eventMean == 0.5)
        let men = try cell("repeat_6m_by_gender", "m")  // "M" normalised; the no-show is no visit
        #expect(men.events == 1 && men.eventMean == 0)
        // Member 3's only visit is the last show: its window is unobserved, so it is left out.
        #expect(try cell("repeat_6m_by_gender", "unknown").events == 0)
    }

    @Test func leadTimeInDaysByWeekday() throws {
        #expect(try cell("lead_time_by_weekday", "fri").eventMean == 7.5)
        #expect(try cell("lead_time_by_weekday", "sat").eventMean == 10.5)
        #expect(try cell("lead_time_by_weekday", "thu").eventMean == 2)
    }

    @Test func interestGenresPutOneEventInSeveralCells() throws {
        let query = try AnalyticsQuery(name: "attendance_by_interest", measure: .attendance, segment: .interestGenre, maxCellsPerMember: 3)
        let answer = engine.exact(query)
        let rock = try #require(answer["rock"])
        #expect(rock.members == 2 && rock.events == 4 && rock.eventMean == 0.75 && rock.memberMean == 0.75)
        #expect(answer["pop"]?.eventMean == 0.5)
        #expect(answer["unknown"]?.eventMean == 1)
        #expect(answer.cells.map(\.label) == AnalyticsSegment.interestGenre.cells)
    }

    @Test func ticketForAnUnknownShowIsRejectedNamingTheRow() throws {
        var builder = VaultBuilder()
        builder.member(1, birthYear: 1990, gender: "f", interests: [])
        builder.ticket(member: 1, show: 999, purchased: VaultBuilder.friday)
        let error = #expect(throws: AnalyticsError.self) { try AnalyticsEngine(builder.data) }
        #expect(error?.code == .inconsistentData)
        #expect(error?.reason.contains("tickets row 0") == true)
        #expect(error?.reason.contains("999") == true)
    }
}
