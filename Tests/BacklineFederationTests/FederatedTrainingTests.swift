import BacklineCore
import BacklineModel
import BacklinePrivacy
import Testing

@testable import BacklineFederation

@Suite struct FederatedTrainingTests {
    static func simulation(
        _ federation: SyntheticFederation,
        _ specification: ModelSpecification,
        privacy: PrivacySettings?,
        learningRate: Double = 0.05,
        minimum: Int = 1,
        epsilon: Double = 1e6
    ) throws -> FederatedSimulation {
        let nodes = try federation.promoters.map { try Fixtures.node($0, specification, privacy: privacy, epsilon: epsilon) }
        let trainer = try FederatedTrainer(
            specification: specification,
            initial: specification.initialParameters(seed: 11, scale: 0.1),
            optimizer: .adam(learningRate: learningRate),
            minimumContributions: minimum
        )
        return try FederatedSimulation(nodes: nodes, trainer: trainer)
    }

    /// Six promoters of 15 members each: alone, a promoter sees too few members to learn the
    /// catalogue; together they see 90. (Per-promoter NDCG on 15 members is noisy: the seed is fixed.)
    @Test func tinyFederationBeatsEveryPromoterAlone() throws {
        let federation = try SyntheticFederation(
            shape: .init(members: Array(repeating: 15, count: 6), artists: 80, genres: 6, itemsPerMember: 6...10, homeShare: 0.3),
            seed: 31
        )
        let specification = try federation.specification(factors: 8, regularization: 3, featureRegularization: 3)
        var simulation = try Self.simulation(federation, specification, privacy: nil)
        var noise = SeededNoise(seed: 1)
        try simulation.run(rounds: 80, noise: &noise)
        let comparison = try FederationComparison(promoters: federation.promoters, tests: federation.tests, specification: specification)
        let federated = try comparison.federated(simulation.trainer.parameters)
        let alone = try comparison.alone(iterations: 10, seed: 11)
        for (together, apart) in zip(federated, alone) {
            #expect(together.ndcg > apart.ndcg, "federated \(together.ndcg) vs alone \(apart.ndcg)")
        }
        let mean = { (metrics: [RankingMetrics]) in metrics.reduce(0.0) { $0 + $1.ndcg } / Double(metrics.count) }
        #expect(mean(federated) > mean(alone) + 0.05)
    }

    @Test func serverPublishesNothingBelowTheMinimumContributions() throws {
        let federation = try Fixtures.federation(members: [10, 10])
        let specification = try federation.specification(factors: 2)
        var simulation = try Self.simulation(federation, specification, privacy: nil, minimum: 3)
        let before = simulation.trainer.parameters
        var noise = SeededNoise(seed: 1)
        #expect(throws: FederationError.self) { _ = try simulation.runRound(noise: &noise) }
        #expect(simulation.trainer.parameters == before)
        #expect(simulation.roundsRun == 0)
    }

    @Test(arguments: [0.5, 2.0]) func calibratedSettingsSpendTheTargetOverTheRounds(epsilon: Double) throws {
        let federation = try Fixtures.federation(members: [8, 8], artists: 12, items: 2...4)
        let specification = try federation.specification(factors: 2)
        let rounds = 4
        let privacy = try PrivacySettings.calibrated(targetEpsilon: epsilon, delta: 1e-6, samplingRate: 1, rounds: rounds, clipNorm: 1)
        var simulation = try Self.simulation(federation, specification, privacy: privacy, epsilon: epsilon)
        var noise = SeededNoise(seed: 2)
        var last: RoundSummary?
        try simulation.run(rounds: rounds, noise: &noise) { last = $0 }
        for spent in last!.epsilonSpent {
            #expect(spent <= epsilon)
            #expect(spent >= 0.95 * epsilon)
        }
        // One more round is refused by every node's ledger and changes nothing.
        let before = simulation.trainer.parameters
        #expect(throws: PrivacyError.self) { _ = try simulation.runRound(noise: &noise) }
        #expect(simulation.trainer.parameters == before)
    }
}
