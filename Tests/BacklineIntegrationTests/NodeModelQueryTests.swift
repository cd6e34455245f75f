import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

/// The audience model on a promoter's vault, through the built binary: the queries behave as
/// the generator's hidden truth says they should, and refuse bad input by name.
@Suite struct NodeModelQueryTests {
    private static func results(_ report: [String: Any], _ key: String = "results") throws -> [[String: Any]] {
        try #require(report[key] as? [[String: Any]])
    }

    @Test func matchRanksMembersWithHigherHiddenPurchaseProbabilityFirst() throws {
        let fixture = try NodeModelFixture.shared()
        let federation = try fixture.federation
        var tops: [Double] = []
        var bottoms: [Double] = []
        let showIDs = Array(1...8)
        for showID in showIDs {
            let ranked = try Self.results(
                fixture.json(["match"] + fixture.vaultModel + ["--show", "\(showID)", "--top", "\(NodeModelFixture.members)"])
            )
            let members = ranked.compactMap { ($0["id"] as? String).flatMap(Int.init) }
            #expect(members.count > NodeModelFixture.members / 2)
            let truth = members.map { federation.purchaseProbability(promoter: 0, memberIndex: $0 - 1, show: showID - 1) }
            let fifth = truth.count / 5
            tops.append(truth.prefix(fifth).reduce(0, +) / Double(fifth))
            bottoms.append(truth.suffix(fifth).reduce(0, +) / Double(fifth))
        }
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(values.count) }
        let better = zip(tops, bottoms).filter { $0 > $1 }.count
        #expect(mean(tops) > 1.5 * mean(bottoms), "hidden purchase probability: top fifth \(tops), bottom fifth \(bottoms)")
        #expect(
            better >= showIDs.count - 1,
            "top fifth beat the bottom fifth on \(better) of \(showIDs.count) shows: \(tops) vs \(bottoms)"
        )
    }

    @Test func matchLeavesOutTicketHolders() throws {
        let fixture = try NodeModelFixture.shared()
        let data = try fixture.data()
        let tickets = data[VaultSchema.tickets]
        let show = try #require(tickets.integers("show").first)
        let holders = Set(zip(tickets.integers("member"), tickets.integers("show")).filter { $0.1 == show }.map { String($0.0) })
        let report = try fixture.json(["match"] + fixture.vaultModel + ["--show", "\(show)", "--top", "\(NodeModelFixture.members)"])
        let ids = Set(try Self.results(report).compactMap { $0["id"] as? String })
        #expect(!holders.isEmpty && ids.isDisjoint(with: holders))
        #expect(ids.count == NodeModelFixture.members - holders.count)
    }

    @Test func recommendLeavesOutOwnedArtistsAndBookedShows() throws {
        let fixture = try NodeModelFixture.shared()
        let data = try fixture.data()
        let view = try data.trainingView()
        let tickets = data[VaultSchema.tickets]
        let member = try #require(tickets.integers("member").first)
        let booked = Set(zip(tickets.integers("member"), tickets.integers("show")).filter { $0.0 == member }.map { String($0.1) })
        let row = try #require(view.memberIndex(of: member))
        let owned = Set(
            view.interactions.columns[view.interactions.rowOffsets[row]..<view.interactions.rowOffsets[row + 1]].map {
                String(view.artistIDs[Int($0)])
            }
        )
        let report = try fixture.json(
            ["recommend"] + fixture.vaultModel + ["--member", "\(member)", "--top", "100000", "--now", "2024-01-01"]
        )
        let artists = Set(try Self.results(report, "artists").compactMap { $0["id"] as? String })
        #expect(!owned.isEmpty && artists.isDisjoint(with: owned))
        #expect(artists.count == view.artistIDs.count - owned.count)
        let shows = Set(try Self.results(report, "shows").compactMap { $0["id"] as? String })
        #expect(!booked.isEmpty && shows.isDisjoint(with: booked))
        #expect(shows.count == data[VaultSchema.shows].rowCount - booked.count)
        let later = try fixture.json(["recommend"] + fixture.vaultModel + ["--member", "\(member)", "--now", "2030-01-01"])
        #expect(try Self.results(later, "shows").isEmpty, "no show is upcoming after the last one")
    }

    @Test func similarUsesTheVaultsArtistIdsAndNames() throws {
        let fixture = try NodeModelFixture.shared()
        let artists = try fixture.data()[VaultSchema.artists]
        let names = Dictionary(
            uniqueKeysWithValues: artists.integers("id").enumerated().map { (String($1), artists.text("name", row: $0)) }
        )
        let rows = try Self.results(fixture.json(["similar"] + fixture.vaultModel + ["--artist", "7", "--top", "5"]))
        #expect(rows.count == 5)
        for row in rows {
            let id = try #require(row["id"] as? String)
            #expect(id != "7")
            #expect(row["name"] as? String == names[id])
        }
        let scores = rows.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >))
        let name = try #require(names["7"])
        if names.values.filter({ $0.caseInsensitiveCompare(name) == .orderedSame }).count == 1 {
            let byName = try Self.results(fixture.json(["similar"] + fixture.vaultModel + ["--artist", name.uppercased(), "--top", "5"]))
            #expect(byName.compactMap { $0["id"] as? String } == rows.compactMap { $0["id"] as? String })
        }
    }

    @Test func forecastGivesAnIntervalAndBeatsTheNaiveForecastOnHeldOutShows() throws {
        let fixture = try NodeModelFixture.shared()
        let shows = try fixture.data()[VaultSchema.shows]
        let latest = try #require(
            shows.integers("id").enumerated().max { shows.integers("start")[$0.offset] < shows.integers("start")[$1.offset] }
        )
        let forecast = try fixture.json(["forecast"] + fixture.vaultModel + ["--show", "\(latest.element)", "--now", "2030-01-01"])
        let expected = try #require(forecast["expectedTickets"] as? Double)
        let lower = try #require(forecast["ticketsLower"] as? Double)
        let upper = try #require(forecast["ticketsUpper"] as? Double)
        let capacity = try #require(forecast["capacity"] as? Double)
        #expect(lower <= expected && expected <= upper && upper <= capacity && lower < upper)
        #expect(forecast["actualTickets"] is Int)
        #expect(forecast["calibrationShows"] as? Int == shows.rowCount - 1)
        let evaluation = try fixture.json(["forecast"] + fixture.vaultModel + ["--evaluate", "--now", "2030-01-01"])
        let model = try #require(evaluation["modelMAPE"] as? Double)
        let naive = try #require(evaluation["naiveMAPE"] as? Double)
        #expect((evaluation["evaluatedShows"] as? Int ?? 0) > 0)
        #expect(model.isFinite && naive.isFinite && model < naive, "model MAPE \(model), naive \(naive)")
    }

    @Test func evaluateReportsWarmAndColdMetricsBetterThanChance() throws {
        let fixture = try NodeModelFixture.shared()
        let report = try fixture.json(["evaluate"] + fixture.vaultModel + ["--k", "10"])
        for key in ["warm", "cold"] {
            let metrics = try #require(report[key] as? [String: Any])
            #expect((metrics["members"] as? Int ?? 0) > 0, "\(key)")
            let auc = try #require(metrics["auc"] as? Double)
            #expect(auc > 0.6 && auc <= 1, "\(key) AUC \(auc)")
        }
    }

    @Test(arguments: [
        (["match", "--show", "999999"], "999999"),
        (["match", "--artist", "99999"], "99999"),
        (["recommend", "--member", "424242"], "424242"),
        (["similar", "--artist", "99999"], "99999"),
        (["forecast", "--show", "888888"], "888888"),
        (["match", "--show", "abc"], "abc"),
    ])
    func unknownIdentifiersExitOneNamingTheId(_ arguments: [String], _ id: String) throws {
        let fixture = try NodeModelFixture.shared()
        let result = try BuiltBinary.run([arguments[0]] + fixture.vaultModel + Array(arguments.dropFirst()))
        #expect(result.status == 1, "\(result.standardError)")
        #expect(result.standardError.contains("'\(id)'"), "\(result.standardError)")
    }
}
