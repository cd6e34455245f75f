import BacklineCore
import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

@Suite struct SyntheticFederationTests {
    static let small = SyntheticConfiguration(seed: 42, promoters: 4, membersPerPromoter: 400, artists: 300, showsPerPromoter: 60)

    static func vault(_ configuration: SyntheticConfiguration = small, promoter: Int) throws -> VaultData {
        let federation = try SyntheticFederation(configuration)
        var sink = VaultSyntheticSink()
        try federation.generate(promoter: promoter, into: &sink)
        return sink.data
    }

    static func csvBytes(_ configuration: SyntheticConfiguration, promoter: Int, in directory: String) throws -> [String: [UInt8]] {
        let federation = try SyntheticFederation(configuration)
        let sink = CSVSyntheticSink(directory: directory)
        var writer = sink
        try federation.generate(promoter: promoter, into: &writer)
        try sink.finish()
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try FileAccess.readAll(directory + "/" + name)
        }
        return files
    }

    @Test func sameSeedGivesSameBytesAndAnotherSeedDiffers() throws {
        let directory = try TemporaryDirectory(prefix: "vault-gen")
        for name in ["a", "b", "c"] {
            try FileManager.default.createDirectory(atPath: directory.file(name), withIntermediateDirectories: false)
        }
        let first = try Self.csvBytes(Self.small, promoter: 1, in: directory.file("a"))
        let second = try Self.csvBytes(Self.small, promoter: 1, in: directory.file("b"))
        var other = Self.small
        other.seed = 43
        let third = try Self.csvBytes(other, promoter: 1, in: directory.file("c"))
        #expect(first.keys.sorted() == ["artists.csv", "attendance.csv", "listening.csv", "members.csv", "shows.csv", "tickets.csv"])
        #expect(first == second)
        #expect(first["tickets.csv"] != third["tickets.csv"])
        #expect(first["artists.csv"] != third["artists.csv"])
    }

    @Test func generatedCSVImportsCleanlyWithTheBacklinePreset() throws {
        let fixture = try ImportFixture()
        let out = fixture.directory.file("csv")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let files = try Self.csvBytes(Self.small, promoter: 0, in: out).keys.map { out + "/" + $0 }
        let summary = try fixture.importBackline(files)
        #expect(summary.skippedTotal == 0)
        let direct = try Self.vault(promoter: 0)
        let imported = try VaultData.load(from: fixture.factory)
        for schema in VaultSchema.tables {
            #expect(imported[schema].rowCount == direct[schema].rowCount, "table \(schema.name)")
        }
        #expect(imported[VaultSchema.tickets].reals("price") == direct[VaultSchema.tickets].reals("price"))
        #expect(imported[VaultSchema.attendance].integers("scan_out") == direct[VaultSchema.attendance].integers("scan_out"))
        #expect(
            (0..<20).map { imported[VaultSchema.artists].text("name", row: $0) }
                == (0..<20).map { direct[VaultSchema.artists].text("name", row: $0) }
        )
    }

    /// Share of tickets per headliner genre.
    static func ticketGenreShares(_ federation: SyntheticFederation, promoter: Int, members: (Int64) -> Bool) throws -> [Double] {
        let data = try vault(promoter: promoter)
        let shows = federation.promoters[promoter].shows
        var counts = [Double](repeating: 0, count: SyntheticFederation.genres.count)
        let tickets = data[VaultSchema.tickets]
        for (member, show) in zip(tickets.integers("member"), tickets.integers("show")) where members(member) {
            let index = Int(show - Int64(promoter) * 1_000_000 - 1)
            counts[federation.artists[shows[index].artists[0]].genres[0]] += 1
        }
        let total = counts.reduce(0, +)
        return counts.map { $0 / total }
    }

    static func totalVariation(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { abs($0 - $1) }.reduce(0, +) / 2 }

    @Test func promotersAreNotIdenticallyDistributed() throws {
        let federation = try SyntheticFederation(Self.small)
        let shares = try (0..<4).map { try Self.ticketGenreShares(federation, promoter: $0) { _ in true } }
        var across: [Double] = []
        for a in 0..<4 { for b in (a + 1)..<4 { across.append(Self.totalVariation(shares[a], shares[b])) } }
        let within = Self.totalVariation(
            try Self.ticketGenreShares(federation, promoter: 0) { $0 % 2 == 0 },
            try Self.ticketGenreShares(federation, promoter: 0) { $0 % 2 == 1 }
        )
        let meanAcross = across.reduce(0, +) / Double(across.count)
        #expect(meanAcross > 0.3, "mean TV across promoters \(meanAcross)")
        #expect(meanAcross > 3 * within, "across \(meanAcross) vs within \(within)")
    }

    @Test func artistPopularityFollowsAPowerLaw() throws {
        let configuration = SyntheticConfiguration(seed: 5, promoters: 1, membersPerPromoter: 1500, artists: 1000, showsPerPromoter: 40)
        let data = try Self.vault(configuration, promoter: 0)
        var listeners = [Int64: Double]()
        for artist in data[VaultSchema.listening].integers("artist") { listeners[artist, default: 0] += 1 }
        let sorted = listeners.values.sorted(by: >)
        let total = sorted.reduce(0, +)
        let topTenth = sorted.prefix(configuration.artists / 10).reduce(0, +)
        #expect(topTenth / total > 0.4, "top 10% of artists hold \(topTenth / total) of listeners")
        // Least-squares slope of log(count) against log(rank) over ranks 5…150.
        let points = (5...150).compactMap { rank -> (Double, Double)? in
            rank <= sorted.count ? (log(Double(rank)), log(sorted[rank - 1])) : nil
        }
        let meanX = points.map(\.0).reduce(0, +) / Double(points.count)
        let meanY = points.map(\.1).reduce(0, +) / Double(points.count)
        let slope =
            points.map { ($0.0 - meanX) * ($0.1 - meanY) }.reduce(0, +) / points.map { ($0.0 - meanX) * ($0.0 - meanX) }.reduce(0, +)
        #expect(slope < -0.4 && slope > -2.0, "rank-frequency slope \(slope)")
    }

    @Test func hiddenPurchaseProbabilityDrivesTickets() throws {
        let federation = try SyntheticFederation(Self.small)
        let data = try Self.vault(promoter: 2)
        let tickets = data[VaultSchema.tickets]
        let bought = Set(zip(tickets.integers("member"), tickets.integers("show")).map { "\($0)-\($1)" })
        var boughtSum = 0.0
        var boughtCount = 0.0
        var otherSum = 0.0
        var otherCount = 0.0
        for index in 0..<Self.small.membersPerPromoter {
            let member = federation.member(promoter: 2, index: index)
            for (position, show) in federation.promoters[2].shows.enumerated() {
                let p = federation.purchaseProbability(promoter: 2, member: member, show: position)
                #expect(p > 0 && p < 1)
                if bought.contains("\(member.id)-\(show.id)") {
                    boughtSum += p
                    boughtCount += 1
                } else {
                    otherSum += p
                    otherCount += 1
                }
            }
        }
        #expect(boughtCount > 100)
        #expect(
            boughtSum / boughtCount > 2 * (otherSum / otherCount),
            "bought \(boughtSum / boughtCount) vs other \(otherSum / otherCount)"
        )
        #expect(
            federation.purchaseProbability(promoter: 2, memberIndex: 7, show: 3)
                == federation.purchaseProbability(promoter: 2, member: federation.member(promoter: 2, index: 7), show: 3)
        )
    }

    @Test func behaviourIsPlausible() throws {
        let data = try Self.vault(promoter: 0)
        let tickets = data[VaultSchema.tickets].rowCount
        let attended = data[VaultSchema.attendance].rowCount
        let noShowRate = 1 - Double(attended) / Double(tickets)
        #expect(noShowRate > 0.03 && noShowRate < 0.2, "no-show rate \(noShowRate)")
        let attendance = data[VaultSchema.attendance]
        #expect(zip(attendance.integers("scan_in"), attendance.integers("scan_out")).allSatisfy { $0 < $1 })
        let spend = attendance.reals("merch_spend")
        let buyers = spend.filter { $0 > 0 }
        #expect(Double(buyers.count) / Double(spend.count) > 0.05)
        #expect(spend.allSatisfy { $0.isFinite && $0 >= 0 })
    }

    @Test func generatedVaultCommitsVerifiesAndFeedsTheTrainingView() throws {
        let fixture = try ImportFixture()
        var data = try Self.vault(promoter: 3)
        try data.commit(to: fixture.factory)
        let inspection = try VaultInspection.inspect(fixture.factory)
        #expect(inspection.ok)
        #expect(inspection.tables.count == VaultSchema.tables.count)
        #expect(inspection.tables.first { $0.table == "members" }?.rows == Self.small.membersPerPromoter)
        let loaded = try VaultData.load(from: fixture.factory)
        let view = try loaded.trainingView()
        #expect(view.memberIDs.count == Self.small.membersPerPromoter)
        #expect(view.memberIDs.first == 30_000_001)
        #expect(view.artistIDs.count == Self.small.artists)
        #expect(view.interactions.rowCount == view.memberIDs.count)
        #expect(view.interactions.values.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(view.memberFeatures.rowCount == view.memberIDs.count)
        #expect(view.memberFeatureNames.contains("gender:f"))
        #expect(view.artistFeatureNames.contains { $0.hasPrefix("genre:") })
    }

    @Test func badConfigurationIsRefused() {
        #expect(throws: VaultError.self) { try SyntheticFederation(SyntheticConfiguration(promoters: 0)) }
        #expect(throws: VaultError.self) { try SyntheticFederation(SyntheticConfiguration(membersPerPromoter: 2_000_000)) }
        #expect(throws: VaultError.self) { try SyntheticFederation(SyntheticConfiguration(popularityExponent: .nan)) }
    }

    @Test func generateCommandWritesDeterministicCSV() throws {
        let directory = try TemporaryDirectory(prefix: "vault-cli")
        let arguments = [
            "data", "generate", "--format", "csv", "--promoters", "2", "--members", "150", "--artists", "80", "--seed", "9", "--json",
        ]
        let first = try BuiltBinary.run(arguments + ["--out", directory.file("one")])
        #expect(first.status == 0, "stderr: \(first.standardError)")
        #expect(first.standardOutput.contains("\"members\":300"))
        let second = try BuiltBinary.run(arguments + ["--out", directory.file("two")])
        #expect(second.status == 0)
        for promoter in ["promoter-0", "promoter-1"] {
            for table in ["members", "shows", "tickets", "attendance", "listening", "artists"] {
                let a = try FileAccess.readAll(directory.file("one/\(promoter)/\(table).csv"))
                let b = try FileAccess.readAll(directory.file("two/\(promoter)/\(table).csv"))
                #expect(!a.isEmpty && a == b, "\(promoter)/\(table).csv")
            }
        }
        let bad = try BuiltBinary.run(["data", "generate", "--format", "xml", "--out", directory.file("x")])
        #expect(bad.status == 64)
        let keyless = try BuiltBinary.run([
            "data", "import", "--vault", directory.file("v"), "--preset", "backline", directory.file("one/promoter-0/members.csv"),
        ])
        #expect(keyless.status == 64)
        #expect(keyless.standardError.contains("give exactly one of --key-file"))

        #expect(try BuiltBinary.run(["data", "keygen", "--out", directory.file("v.kek")]).status == 0)
        let generatedVault = try BuiltBinary.run(
            arguments.filter { $0 != "--json" && $0 != "csv" && $0 != "--format" } + [
                "--format", "vault", "--vault", directory.file("v"), "--key-file", directory.file("v.kek"), "--promoter", "1",
            ]
        )
        #expect(generatedVault.status == 0, "stderr: \(generatedVault.standardError)")
        let inspected = try BuiltBinary.run(["data", "inspect", "--vault", directory.file("v"), "--key-file", directory.file("v.kek")])
        #expect(inspected.status == 0)
        #expect(inspected.standardOutput.contains("members: 150 rows"), "\(inspected.standardOutput)")
    }
}
