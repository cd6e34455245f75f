import BacklineAnalytics
import BacklineCore
import BacklineVault
import Testing

@Suite struct AccuracyTableTests {
    /// The bench's accuracy table at small scale: one synthetic promoter, fixed seeds.
    static func syntheticEngine(members: Int) throws -> AnalyticsEngine {
        let federation = try SyntheticFederation(
            SyntheticConfiguration(seed: 11, promoters: 1, membersPerPromoter: members, artists: 400, listening: false)
        )
        var sink = VaultSyntheticSink()
        try federation.generate(promoter: 0, into: &sink)
        return try AnalyticsEngine(sink.data)
    }

    @Test func cellsWithAThousandMembersAreWithinFivePercentAtEpsilonOne() throws {
        let engine = try Self.syntheticEngine(members: 30_000)
        var source = SeededNoiseSource(seed: 6)
        let rows = try AccuracyTable.measure(
            engine,
            queries: AnalyticsQuery.builtIn,
            epsilons: [0.1, 0.5, 1, 2],
            delta: 1e-5,
            minimumMembers: 1000,
            using: &source
        )
        let atOne = rows.filter { $0.epsilon == 1 }
        #expect(atOne.count >= 20, "too few cells with 1 000 members to judge")
        // The goal is every cell within 5 %. Low means in cells of 1 000–3 000 members
        // (no-show rates near 0.1, merchandise at bars) miss it by noise alone, so the test holds
        // the share that meets it and a ceiling on the worst, and the bench prints every figure.
        let errors = atOne.map { $0.relativeError ?? .infinity }
        let within = Double(errors.filter { $0 <= 0.05 }.count) / Double(errors.count)
        #expect(within >= 0.9, "only \(within) of cells within 5 % at ε = 1")
        for row in atOne {
            let error = try #require(row.relativeError, "\(row.query)/\(row.cell) suppressed at ε = 1")
            #expect(error <= 0.15, "\(row.query)/\(row.cell): \(row.members) members, exact \(row.exact), DP \(row.noised ?? .nan)")
        }
        // Less ε, more error: the median error shrinks as ε grows.
        func median(_ epsilon: Double) -> Double {
            let errors = rows.filter { $0.epsilon == epsilon }.map { $0.relativeError ?? 1 }.sorted()
            return errors[errors.count / 2]
        }
        #expect(median(0.1) > median(2))
    }
}
