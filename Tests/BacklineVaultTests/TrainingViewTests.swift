import BacklineVault
import Foundation
import Testing

@Suite struct TrainingViewTests {
    /// Members 1, 2, 3; shows 10 (artists 100, 101) and 11 (artist 102); artists 100–102 and
    /// 200 (listening only).
    static func data() throws -> VaultData {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let artists = try fixture.write("artists.csv", "id,name,genres\n100,A,rock;pop\n101,B,jazz\n102,C,\n")
        let tags = try fixture.write("artist_tags.csv", "artist,tag,count\n100,loud,3\n102,quiet,1\n")
        let tickets = try fixture.write(
            "tickets.csv",
            "member,show,purchased,quantity,price\n1,10,2025-04-01,2,45.5\n2,11,2025-04-01,1,10\n"
        )
        let attendance = try fixture.write("attendance.csv", "member,show,scan_in\n1,10,2025-05-01T19:30\n")
        let listening = try fixture.write("listening.csv", "member,artist,plays\n1,100,9\n3,200,1\n")
        try fixture.importBackline([artists, tags, tickets, attendance, listening])
        return try VaultData.load(from: fixture.factory)
    }

    @Test func interactionMatrixCombinesSourcesWithChosenWeights() throws {
        let weighting = InteractionWeighting(playWeight: 0.5, logPlays: false, ticketWeight: 2, attendanceWeight: 3)
        let view = try Self.data().trainingView(weighting: weighting)
        #expect(view.memberIDs == [1, 2, 3])
        #expect(view.artistIDs == [100, 101, 102, 200])
        let m = view.interactions
        #expect(m.rowOffsets == [0, 2, 3, 4])
        #expect(m.columns == [0, 1, 2, 3])
        // Member 1, artist 100: 0.5·9 plays + 2·2 tickets + 3 attended = 11.5; artist 101: 4 + 3.
        #expect(m.values == [11.5, 7, 2, 0.5])
        #expect(m.value(row: 0, column: 0) == 11.5)
        #expect(view.memberIndex(of: 3) == 2)
        #expect(view.artistIndex(of: 200) == 3)
        #expect(view.artistIndex(of: 999) == nil)
    }

    @Test func logPlaysCompressesCounts() throws {
        let view = try Self.data().trainingView(
            weighting: InteractionWeighting(playWeight: 1, logPlays: true, ticketWeight: 0, attendanceWeight: 0)
        )
        #expect(view.interactions.nonZeroCount == 2)
        #expect(abs(view.interactions.value(row: 0, column: 0) - Float(log1p(9.0))) < 1e-6)
    }

    @Test func sideFeaturesNameEveryColumn() throws {
        let view = try Self.data().trainingView(referenceYear: 2026)
        let names = view.memberFeatureNames
        func features(_ row: Int) -> Set<String> {
            let m = view.memberFeatures
            return Set(m.columns[m.rowOffsets[row]..<m.rowOffsets[row + 1]].map { names[Int($0)] })
        }
        #expect(features(0) == ["age:35-44", "gender:f", "region:north", "interest:rock", "interest:pop"])
        #expect(features(1) == ["age:35-44", "gender:m", "region:south", "interest:jazz"])
        #expect(features(2) == ["gender:x", "region:north"])
        let a = view.artistFeatures
        let artistNames = view.artistFeatureNames
        #expect(a.rowCount == 4)
        #expect(Set(a.columns[a.rowOffsets[0]..<a.rowOffsets[1]].map { artistNames[Int($0)] }) == ["genre:rock", "genre:pop", "tag:loud"])
        #expect(a.rowOffsets[4] - a.rowOffsets[3] == 0)
        let strict = try Self.data().trainingView(minimumTagCount: 2)
        #expect(!strict.artistFeatureNames.contains("tag:quiet"))
    }

    @Test func badWeightsAreRefused() throws {
        let data = try Self.data()
        #expect(throws: VaultError.self) { try data.trainingView(weighting: InteractionWeighting(playWeight: .nan)) }
        #expect(throws: VaultError.self) { try data.trainingView(weighting: InteractionWeighting(ticketWeight: -1)) }
    }
}
