import BacklineCore
import BacklineModel
import BacklinePrivacy
import Testing

@testable import BacklineFederation

/// SECURITY-TESTS 71: a loss-threshold membership-inference attack on synthetic members. The
/// attacker holds the published global parameters and a candidate's record and scores it by its
/// negated loss; training members of a memorising model score higher than fresh non-members.
/// Reported: AUC and the true-positive rate at 1 % false positives (the low-FPR regime is what
/// matters to an attacker; Carlini et al. 2022).
///
/// Crossed design: the population is split into halves A and B; one model is trained on A, one
/// on B, and every record is scored once as a member (under the model trained on it) and once as
/// a non-member (under the other model). A half that happens to fit any trained model better
/// (more mainstream tastes) then lands equally on both sides, so the AUC measures membership only,
/// not the luck of one fixed split.
@Suite struct MembershipInferenceTests {
    /// Records per half (250 members and 250 non-members per model, 500 of each in all: "1 % FPR"
    /// is 5 false positives).
    static let side = 250
    /// Training rounds and FedAdam η: enough for the non-private model to memorise.
    static let rounds = 20
    static let learningRate = 0.1
    /// The DP setting attacked: ε = 0.5 over the whole training. (ε, δ)-DP bounds any attack's
    /// TPR by e^ε·FPR + δ, so TPR@1%FPR ≤ 2 % is guaranteed only for ε ≤ ln 2 ≈ 0.69.
    static let epsilon = 0.5

    /// The attack's AUC and TPR at 1 % FPR over a random-taste population (each member likes few
    /// artists, drawn from its own taste, so only memorisation separates members).
    static func attack(privacy: PrivacySettings?) throws -> (auc: Double, tprAtOnePercent: Double) {
        let population = try SyntheticFederation(
            shape: .init(members: [2 * side], artists: 150, genres: 1, itemsPerMember: 4...4, homeShare: 0),
            seed: 33
        )
        let specification = try ModelSpecification(
            artistFeatures: population.artistFeatures,
            memberFeatureCount: population.memberFeatureCount,
            factors: 16,
            regularization: 0.05,
            featureRegularization: 1,
            weighting: .linear(alpha: 20)
        )
        let everyone = population.promoters[0]
        func half(_ range: Range<Int>, _ name: String) throws -> PromoterData {
            try PromoterData(
                name: name,
                interactions: Self.rows(range, everyone.interactions),
                memberFeatures: Self.rows(range, everyone.memberFeatures),
                specification: specification
            )
        }
        let first = try half(0..<side, "first")
        let second = try half(side..<(2 * side), "second")
        /// Negated losses of the members and of the others under a model trained on `members`.
        func scores(members: PromoterData, others: PromoterData, seed: UInt64) throws -> (members: [Double], others: [Double]) {
            let node = try Fixtures.node(members, specification, privacy: privacy)
            let trainer = try FederatedTrainer(
                specification: specification,
                initial: specification.initialParameters(seed: 5, scale: 0.1),
                optimizer: .adam(learningRate: learningRate),
                minimumContributions: 1
            )
            var simulation = try FederatedSimulation(nodes: [node], trainer: trainer)
            var noise = SeededNoise(seed: seed)
            try simulation.run(rounds: rounds, noise: &noise)
            let global = simulation.trainer.parameters
            return (
                try specification.memberLosses(global: global, data: members).map { -$0 },
                try specification.memberLosses(global: global, data: others).map { -$0 }
            )
        }
        let a = try scores(members: first, others: second, seed: 8)
        let b = try scores(members: second, others: first, seed: 9)
        let positive = a.members + b.members
        let negative = a.others + b.others
        return (
            Fixtures.auc(positive: positive, negative: negative),
            Fixtures.truePositiveRate(positive: positive, negative: negative, falsePositiveRate: 0.01)
        )
    }

    static func rows(_ range: Range<Int>, _ matrix: SparseMatrix) throws -> SparseMatrix {
        let start = matrix.rowOffsets[range.lowerBound]
        let end = matrix.rowOffsets[range.upperBound]
        return try SparseMatrix(
            rowCount: range.count,
            columnCount: matrix.columnCount,
            rowOffsets: matrix.rowOffsets[range.lowerBound...range.upperBound].map { $0 - start },
            columns: Array(matrix.columns[start..<end]),
            values: Array(matrix.values[start..<end])
        )
    }

    @Test func attackSucceedsWithoutPrivacyAndFailsWithIt() throws {
        let open = try Self.attack(privacy: nil)
        print("MIA without DP: AUC \(open.auc), TPR@1%FPR \(open.tprAtOnePercent)")
        #expect(open.auc >= 0.75, "attack AUC without DP \(open.auc)")
        #expect(open.tprAtOnePercent >= 0.04, "attack TPR at 1% FPR without DP \(open.tprAtOnePercent)")
        let privacy = try PrivacySettings.calibrated(
            targetEpsilon: Self.epsilon,
            delta: 1e-6,
            samplingRate: 1,
            rounds: Self.rounds,
            clipNorm: 1
        )
        let guarded = try Self.attack(privacy: privacy)
        print("MIA with DP (ε = \(Self.epsilon), δ = 1e-6): AUC \(guarded.auc), TPR@1%FPR \(guarded.tprAtOnePercent)")
        #expect(guarded.auc <= 0.55, "attack AUC with DP \(guarded.auc)")
        #expect(guarded.tprAtOnePercent <= 0.02, "attack TPR at 1% FPR with DP \(guarded.tprAtOnePercent)")
    }

    @Test func truePositiveRateAtLowFalsePositiveRateCountsOnlyScoresAboveTheThreshold() {
        let negative = (0..<100).map(Double.init)  // 1 % FPR: threshold is the 2nd highest, 98
        #expect(Fixtures.truePositiveRate(positive: [98, 99, 100, 101], negative: negative, falsePositiveRate: 0.01) == 0.75)
        #expect(Fixtures.truePositiveRate(positive: [0, 50], negative: negative, falsePositiveRate: 0.01) == 0)
    }
}
