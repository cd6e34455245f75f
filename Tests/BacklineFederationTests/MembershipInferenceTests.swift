import BacklineCore
import BacklineModel
import BacklinePrivacy
import Testing
@testable import BacklineFederation

/// SECURITY-TESTS 71: a loss-threshold membership-inference attack on synthetic members. The
/// attacker holds the published global parameters and a candidate's record and scores it by its
/// negated loss; training members of a memorising model score higher than fresh non-members.
@Suite struct MembershipInferenceTests {
    /// AUC of the attack after training on the first half of a random-taste population (each member
    /// likes artists unrelated to anyone else's, so only memorisation helps), non-members the second half.
    static func attackAUC(privacy: PrivacySettings?) throws -> Double {
        let population = try SyntheticFederation(
            shape: .init(members: [240], artists: 150, genres: 1, itemsPerMember: 4...4, homeShare: 0), seed: 33)
        let specification = try ModelSpecification(artistFeatures: population.artistFeatures, memberFeatureCount: population.memberFeatureCount,
                                                   factors: 16, regularization: 0.05, featureRegularization: 1, weighting: .linear(alpha: 20))
        let everyone = population.promoters[0]
        func half(_ range: Range<Int>, _ name: String) throws -> PromoterData {
            try PromoterData(name: name, interactions: Self.rows(range, everyone.interactions),
                             memberFeatures: Self.rows(range, everyone.memberFeatures), specification: specification)
        }
        let members = try half(0..<120, "members"), outsiders = try half(120..<240, "outsiders")
        let node = try Fixtures.node(members, specification, privacy: privacy)
        let trainer = try FederatedTrainer(specification: specification, initial: specification.initialParameters(seed: 5, scale: 0.1),
                                           optimizer: .adam(learningRate: 0.05), minimumContributions: 1)
        var simulation = try FederatedSimulation(nodes: [node], trainer: trainer)
        var noise = SeededNoise(seed: 8)
        try simulation.run(rounds: 40, noise: &noise)
        let global = simulation.trainer.parameters
        let inside = try specification.memberLosses(global: global, data: members).map { -$0 }
        let outside = try specification.memberLosses(global: global, data: outsiders).map { -$0 }
        return Fixtures.auc(positive: inside, negative: outside)
    }

    static func rows(_ range: Range<Int>, _ matrix: SparseMatrix) throws -> SparseMatrix {
        let start = matrix.rowOffsets[range.lowerBound], end = matrix.rowOffsets[range.upperBound]
        return try SparseMatrix(rowCount: range.count, columnCount: matrix.columnCount,
                                rowOffsets: matrix.rowOffsets[range.lowerBound...range.upperBound].map { $0 - start },
                                columns: Array(matrix.columns[start..<end]), values: Array(matrix.values[start..<end]))
    }

    @Test func attackSucceedsWithoutPrivacyAndFailsWithIt() throws {
        let open = try Self.attackAUC(privacy: nil)
        #expect(open >= 0.75, "attack AUC without DP \(open)")
        let privacy = try PrivacySettings.calibrated(targetEpsilon: 1, delta: 1e-6, samplingRate: 1, rounds: 40, clipNorm: 1)
        let guarded = try Self.attackAUC(privacy: privacy)
        #expect(guarded <= 0.55, "attack AUC with DP \(guarded)")
    }
}
