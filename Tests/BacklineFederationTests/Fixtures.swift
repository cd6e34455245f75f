import BacklineCore
import BacklineModel
import BacklinePrivacy

@testable import BacklineFederation

/// Seeded noise for reproducible tests (production uses SecureNoiseSource).
struct SeededNoise: NoiseRandomSource {
    var generator: SeededGenerator
    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
}

/// Small federations and nodes shared by the suites.
enum Fixtures {
    static func seed(_ byte: UInt8) -> SecureBytes { SecureBytes([UInt8](repeating: byte, count: PoissonSampler.seedCount)) }

    static func federation(
        members: [Int],
        artists: Int = 40,
        items: ClosedRange<Int> = 6...12,
        seed: UInt64 = 7
    ) throws -> SyntheticFederation {
        try SyntheticFederation(shape: .init(members: members, artists: artists, genres: 4, itemsPerMember: items), seed: seed)
    }

    static func node(
        _ data: PromoterData,
        _ specification: ModelSpecification,
        privacy: PrivacySettings?,
        epsilon: Double = 1e6,
        rate: Double = 1,
        threads: Int = NodeRound.availableThreads
    ) throws -> NodeRound {
        let ledger = try privacy.map { _ in try PrivacyLedger(promoter: data.name, budget: PrivacyBudget(epsilon: epsilon, delta: 1e-6)) }
        return try NodeRound(
            data: data,
            specification: specification,
            samplingRate: rate,
            samplingSeed: seed(3),
            privacy: privacy,
            ledger: ledger,
            threads: threads
        )
    }

    /// True-positive rate of the threshold that flags at most `falsePositiveRate` of `negative`:
    /// the threshold is the (⌊rate·n⌋+1)-th highest negative score, and a score counts as
    /// flagged when strictly above it.
    static func truePositiveRate(positive: [Double], negative: [Double], falsePositiveRate: Double) -> Double {
        let sorted = negative.sorted(by: >)
        let threshold = sorted[min(sorted.count - 1, Int(falsePositiveRate * Double(sorted.count)))]
        return Double(positive.filter { $0 > threshold }.count) / Double(positive.count)
    }

    /// Area under the ROC curve of `positive` scoring above `negative` (ties count half).
    static func auc(positive: [Double], negative: [Double]) -> Double {
        var wins = 0.0
        for p in positive { for n in negative { wins += p > n ? 1 : (p == n ? 0.5 : 0) } }
        return wins / Double(positive.count * negative.count)
    }
}
