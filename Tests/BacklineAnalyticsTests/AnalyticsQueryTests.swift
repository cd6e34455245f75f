import BacklineAnalytics
import BacklineCore
import Foundation
import Testing

@Suite struct AnalyticsQueryTests {
    @Test func definitionRoundTripsThroughJSON() throws {
        let json = #"{"name":"dwell_by_weekday","measure":"dwell","segment":"weekday","clamp":[0,240],"max_cells_per_member":2}"#
        let query = try AnalyticsQuery.decode(Data(json.utf8))
        #expect(query.measure == .dwell && query.segment == .weekday && query.clamp == 0...240 && query.maxCellsPerMember == 2)
        let again = try AnalyticsQuery.decode(try JSONEncoder().encode(query))
        #expect(again == query)
    }

    @Test func missingClampTakesTheMeasureDefault() throws {
        let json = #"{"name":"q","measure":"merch_spend","segment":"gender","max_cells_per_member":1}"#
        #expect(try AnalyticsQuery.decode(Data(json.utf8)).clamp == AnalyticsMeasure.merchSpend.defaultClamp)
    }

    @Test(arguments: [
        (#"{"name":"q","measure":"dwell","segment":"weekday","clamp":[5,1],"max_cells_per_member":1}"#, "invalid_query"),
        (#"{"name":"q","measure":"dwell","segment":"weekday","clamp":[0,1e300],"max_cells_per_member":1}"#, "invalid_query"),
        (#"{"name":"q","measure":"dwell","segment":"weekday","clamp":[0],"max_cells_per_member":1}"#, "invalid_query"),
        (#"{"name":"q","measure":"dwell","segment":"weekday","max_cells_per_member":0}"#, "invalid_query"),
        (#"{"name":"q","measure":"dwell","segment":"weekday","max_cells_per_member":65}"#, "invalid_query"),
        (#"{"name":"Q!","measure":"dwell","segment":"weekday","max_cells_per_member":1}"#, "invalid_query"),
        (#"{"name":"q","measure":"heartbeat","segment":"weekday","max_cells_per_member":1}"#, "unknown_name"),
        (#"{"name":"q","measure":"dwell","segment":"postcode","max_cells_per_member":1}"#, "unknown_name"),
        (#"{"name":"q","measure":"dwell""#, "invalid_query"),
    ])
    func badDefinitionsAreRejected(json: String, code: String) {
        let error = #expect(throws: AnalyticsError.self) { try AnalyticsQuery.decode(Data(json.utf8)) }
        #expect(error?.code.identifier == code)
    }

    @Test func oversizedDefinitionIsRejectedBeforeParsing() {
        let json = #"{"name":"q","pad":""# + String(repeating: "x", count: 5000) + #""}"#
        let error = #expect(throws: AnalyticsError.self) { try AnalyticsQuery.decode(Data(json.utf8)) }
        #expect(error?.reason.contains("definition size") == true)
    }

    @Test func builtInsHaveUniqueNamesAndAreFoundByName() throws {
        let names = AnalyticsQuery.builtIn.map(\.name)
        #expect(Set(names).count == names.count)
        for name in [
            "attendance_by_age_band", "no_show_by_genre", "arrival_offset_by_age_band", "dwell_by_genre",
            "merch_by_age_band", "repeat_6m_by_gender", "lead_time_by_weekday",
        ] {
            #expect(try AnalyticsQuery.builtIn(named: name).name == name)
        }
        #expect(throws: AnalyticsError.self) { try AnalyticsQuery.builtIn(named: "everything") }
    }
}
