import BacklineCore
import BacklinePrivacy
import BacklineVault
import Testing

@testable import BacklineAnalytics

@Suite struct DPHistogramTests {
    /// The tiny vault plus 500 shows on consecutive days, and optionally member 50 holding a ticket
    /// for every one of them (attending every other, spending far above any clamp).
    static func heavyVault(withHeavyMember: Bool) -> VaultData {
        var builder = VaultBuilder(data: VaultBuilder.tiny())
        for index in 0..<500 {
            let start = VaultBuilder.friday + Int64(index) * VaultBuilder.day
            builder.show(
                1000 + Int64(index),
                artist: Int64(1 + index % 2),
                start: start,
                capacity: [100, 300, 1000, 3000, 9000][index % 5]
            )
        }
        guard withHeavyMember else { return builder.data }
        builder.member(50, birthYear: 1980, gender: "x", interests: ["rock", "pop", "jazz"])
        for index in 0..<500 {
            let start = VaultBuilder.friday + Int64(index) * VaultBuilder.day
            builder.ticket(member: 50, show: 1000 + Int64(index), purchased: start - 400 * VaultBuilder.day)
            if index % 2 == 0 {
                builder.visit(
                    member: 50,
                    show: 1000 + Int64(index),
                    scanIn: start - 600 * VaultBuilder.minute,
                    scanOut: start + 900 * VaultBuilder.minute,
                    merch: 100_000
                )
            }
        }
        return builder.data
    }

    /// A member with 500 visits counts at most L times, and adding them moves the bounded vector by
    /// at most the sensitivity √(2L) the noise is calibrated to.
    @Test(arguments: AnalyticsQuery.builtIn)
    func heavyMemberCountsAtMostLTimes(query: AnalyticsQuery) throws {
        let without = try AnalyticsEngine(Self.heavyVault(withHeavyMember: false))
        let with = try AnalyticsEngine(Self.heavyVault(withHeavyMember: true))
        let step = 1.0 / 1024
        let before = without.boundedSums(query, granularity: step)
        let after = with.boundedSums(query, granularity: step)
        let countChange = zip(after.counts, before.counts).map { $0 - $1 }
        #expect(countChange.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(countChange.reduce(0, +) <= Int64(query.maxCellsPerMember))
        var squared = 0.0
        for cell in before.counts.indices {
            let count = Double(countChange[cell])
            let sum = Double(after.steps[cell] - before.steps[cell]) * step
            squared += count * count + sum * sum
        }
        #expect(squared.squareRoot() <= (2 * Double(query.maxCellsPerMember)).squareRoot() + 1e-12)
        // The exact answer does see all of the member's events: bounding is what limited them.
        let events = with.exact(query).cells.map(\.events).reduce(0, +) - without.exact(query).cells.map(\.events).reduce(0, +)
        #expect(events >= 250)
    }

    @Test func noiseHasTheCalibratedStandardDeviationAndZeroMean() throws {
        let engine = try AnalyticsEngine(VaultBuilder.tiny())
        let query = try AnalyticsQuery.builtIn(named: "attendance_by_age_band")  // L = 2, 7 cells
        let mechanism = try HistogramMechanism(query: query, noiseMultiplier: 1.5)
        #expect(abs(mechanism.sensitivity - 2) < 1e-12)
        let sums = engine.boundedSums(query, granularity: mechanism.granularity)
        var source = SeededNoiseSource(seed: 68)
        var countNoise: [Double] = []
        var sumNoise: [Double] = []
        for _ in 0..<3000 {
            let release = mechanism.noise(sums, using: &source)
            for (index, cell) in release.cells.enumerated() {
                countNoise.append(cell.count - Double(sums.counts[index]))
                sumNoise.append(cell.normalisedSum - Double(sums.steps[index]) * mechanism.granularity)
            }
        }
        let sigma = 1.5 * 2
        for noise in [countNoise, sumNoise] {
            let (mean, deviation) = moments(noise)
            #expect(abs(deviation / sigma - 1) < 0.02, "std \(deviation), calibrated \(sigma)")
            #expect(abs(mean) < 4 * sigma / Double(noise.count).squareRoot(), "mean \(mean)")
        }
        // Sums stay on the lattice: every released normalised sum is a whole number of steps.
        #expect(sumNoise.allSatisfy { ($0 / mechanism.granularity).rounded() == $0 / mechanism.granularity })
    }

    /// SECURITY-TESTS 70 for analytics: over budget → refused, no noise drawn, nothing persisted,
    /// ledger unchanged; within budget → charged first, then released.
    @Test func releaseOverBudgetIsRefusedWithNothingComputed() throws {
        let engine = try AnalyticsEngine(VaultBuilder.tiny())
        let query = try AnalyticsQuery.builtIn(named: "no_show_by_genre")
        var ledger = PrivacyLedger(promoter: "p1", budget: try PrivacyBudget(epsilon: 0.5, delta: 1e-5))
        let persistence = RecordingPersistence()
        var source = SeededNoiseSource(seed: 1)
        let before = ledger
        let expensive = try HistogramMechanism(query: query, epsilon: 1, delta: 1e-5)
        let error = #expect(throws: PrivacyError.self) {
            try engine.release(expensive, ledger: &ledger, persistence: persistence, using: &source)
        }
        #expect(error?.code == .budgetExceeded)
        #expect(source.draws == 0, "noise was drawn for a refused release")
        #expect(persistence.stored.isEmpty)
        #expect(ledger == before)

        let cheap = try HistogramMechanism(query: query, epsilon: 0.3, delta: 1e-5)
        let release = try engine.release(cheap, ledger: &ledger, persistence: persistence, using: &source)
        #expect(source.draws > 0)
        #expect(release.cells.count == query.segment.cells.count)
        #expect(persistence.stored.count == 1)
        let entry = try #require(ledger.entries.last)
        #expect(entry.kind == .analyticsQuery && entry.label == query.name)
        #expect(entry.parameters.sensitivity == (2.0 * Double(query.maxCellsPerMember)).squareRoot())
        #expect(abs(entry.cumulativeEpsilon - 0.3) < 0.01)
    }

    @Test func cellsWhoseNoiseExceedsTheirValueAreSuppressed() throws {
        let query = try AnalyticsQuery.builtIn(named: "merch_by_age_band")  // clamp 0...100
        let histogram = NoisedHistogram(
            query: query,
            nodes: 1,
            noiseStandardDeviation: 5,
            cells: [
                .init(label: "small", count: 3, normalisedSum: -2),
                .init(label: "large", count: 1000, normalisedSum: -600),
                .init(label: "zero_sum", count: 1000, normalisedSum: -1000),
            ]
        )
        #expect(histogram.isSuppressed(0) && histogram.mean(0) == nil)
        #expect(!histogram.isSuppressed(1))
        #expect(abs(try #require(histogram.mean(1)) - 20) < 1e-9)  // 50 + 50·(−0.6)
        #expect(histogram.isSuppressed(2))  // a sum of 0 ± 5·√(50² + 50²) says nothing

        // Real releases of the tiny vault (at most two members per cell, all drowned in noise):
        // suppression is judged on noised values, so a cell passes only when the noise happens to be
        // large, which for a σ of about 8 is rare.
        let engine = try AnalyticsEngine(VaultBuilder.tiny())
        let mechanism = try HistogramMechanism(query: query, epsilon: 1, delta: 1e-5)
        var source = SeededNoiseSource(seed: 2)
        var shown = 0
        var total = 0
        for _ in 0..<200 {
            let release = mechanism.noise(engine.boundedSums(query, granularity: mechanism.granularity), using: &source)
            shown += release.cells.indices.filter { release.mean($0) != nil }.count
            total += release.cells.count
        }
        #expect(Double(shown) / Double(total) < 0.15, "\(shown) of \(total) noise-only cells were reported")
    }

    @Test func combinerSumsNodesAndAddsVariances() throws {
        let engine = try AnalyticsEngine(VaultBuilder.tiny())
        let query = try AnalyticsQuery.builtIn(named: "no_show_by_weekday")
        let mechanism = try HistogramMechanism(query: query, noiseMultiplier: 2)
        let sums = engine.boundedSums(query, granularity: mechanism.granularity)
        var source = SeededNoiseSource(seed: 3)
        let nodes = (0..<100).map { _ in mechanism.noise(sums, using: &source) }
        let combined = try HistogramCombiner.combine(nodes)
        #expect(combined.nodes == 100)
        #expect(abs(combined.noiseStandardDeviation - mechanism.noiseStandardDeviation * 10) < 1e-9)
        for (index, cell) in combined.cells.enumerated() {
            let expected = Double(sums.counts[index]) * 100
            #expect(abs(cell.count - expected) < 5 * combined.noiseStandardDeviation)
            #expect(abs(cell.count - nodes.map { $0.cells[index].count }.reduce(0, +)) < 1e-9)
        }
        // Friday: 2 members per node, half no-shows → mean 0.5 once 200 members are pooled.
        let friday = try #require(combined.index(of: "fri"))
        #expect(abs(try #require(combined.mean(friday)) - 0.5) < 0.2)
    }

    @Test func combinerRefusesMismatchedOrNonFiniteHistograms() throws {
        let engine = try AnalyticsEngine(VaultBuilder.tiny())
        var source = SeededNoiseSource(seed: 4)
        func release(_ name: String) throws -> NoisedHistogram {
            let query = try AnalyticsQuery.builtIn(named: name)
            let mechanism = try HistogramMechanism(query: query, noiseMultiplier: 2)
            return mechanism.noise(engine.boundedSums(query, granularity: mechanism.granularity), using: &source)
        }
        let first = try release("no_show_by_weekday")
        let other = try release("lead_time_by_weekday")
        #expect(throws: AnalyticsError.self) { try HistogramCombiner.combine([first, other]) }
        var poisoned = first
        poisoned.cells[0].count = .nan
        let error = #expect(throws: AnalyticsError.self) { try HistogramCombiner.combine([first, poisoned]) }
        #expect(error?.code == .incompatibleHistograms)
        #expect(throws: AnalyticsError.self) { try HistogramCombiner.combine([]) }
    }

    @Test(arguments: [0.0, -1, .nan, .infinity])
    func mechanismRefusesUnusableNoise(multiplier: Double) throws {
        let query = try AnalyticsQuery.builtIn(named: "dwell_by_genre")
        #expect(throws: PrivacyError.self) { try HistogramMechanism(query: query, noiseMultiplier: multiplier) }
    }
}
