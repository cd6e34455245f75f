import BacklineCore
import BacklineModel
import BacklinePrivacy
import Foundation
import Testing

@testable import BacklineFederation

/// SECURITY-TESTS 72: a canary audit of one node round. A canary member with a distinctive record
/// is added or not; the auditor projects each release on the canary's direction and thresholds it.
/// The empirical lower bound ε_lb = ln((TPR − δ)/FPR) must not exceed the configured ε; with
/// negligible noise the same audit finds a far larger ε_lb (so the audit has power).
@Suite struct CanaryAuditTests {
    static let trials = 150
    static let delta = 1e-6

    static func lowerBound(privacy: PrivacySettings) throws -> Double {
        let federation = try Fixtures.federation(members: [10], artists: 20, items: 3...5)
        let specification = try federation.specification(factors: 2)
        let parameters = try specification.initialParameters(seed: 4, scale: 0.5)
        let base = federation.promoters[0]
        let canaryRow = try SparseMatrix(
            rowCount: 1,
            columnCount: specification.artistCount,
            triples: [(0, 19, Float(1e4)), (0, 18, Float(1e4))]
        )
        let canaryFeatures = try SparseMatrix(rowCount: 1, columnCount: specification.memberFeatureCount, triples: [(0, 1, 1)])
        let withCanary = try PromoterData(
            name: base.name,
            interactions: SparseStacking.stacked([base.interactions, canaryRow]),
            memberFeatures: SparseStacking.stacked([base.memberFeatures, canaryFeatures]),
            specification: specification
        )
        func release(_ data: PromoterData, seed: UInt64) throws -> [Float] {
            var node = try Fixtures.node(data, specification, privacy: privacy)
            var noise = SeededNoise(seed: seed)
            return try node.run(round: 1, global: parameters, noise: &noise).gradientSum
        }
        // The canary's direction: the difference of the two releases under the same noise draws.
        let difference = zip(try release(withCanary, seed: 1), try release(base, seed: 1)).map { Double($0 - $1) }
        let norm = difference.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let direction = difference.map { $0 / max(norm, 1e-30) }
        func statistic(_ values: [Float]) -> Double { zip(values, direction).reduce(0) { $0 + Double($1.0) * $1.1 } }
        let without = try (0..<trials).map { statistic(try release(base, seed: 1000 + UInt64($0))) }
        let with = try (0..<trials).map { statistic(try release(withCanary, seed: 5000 + UInt64($0))) }
        let center = without.reduce(0, +) / Double(trials)
        let threshold = center + norm / 2  // fixed in advance: halfway to the canary's mean shift
        let tpr = Double(with.filter { $0 > threshold }.count) / Double(trials)
        let fpr = max(Double(without.filter { $0 > threshold }.count), 1) / Double(trials)
        return log(max(tpr - delta, 1e-12) / fpr)
    }

    @Test func canaryLowerBoundStaysBelowTheConfiguredEpsilon() throws {
        let epsilon = 1.0
        let privacy = try PrivacySettings.calibrated(targetEpsilon: epsilon, delta: Self.delta, samplingRate: 1, rounds: 1, clipNorm: 1)
        let bound = try Self.lowerBound(privacy: privacy)
        #expect(bound <= epsilon, "ε_lb \(bound)")
        let weak = try PrivacySettings(clipNorm: 1, noiseMultiplier: 0.01, countNoiseMultiplier: 0.1)
        let exposed = try Self.lowerBound(privacy: weak)
        #expect(exposed > 3 * epsilon, "ε_lb without real noise \(exposed)")
    }
}
