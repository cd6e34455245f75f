import BacklineCore
import BacklineModel
import BacklinePrivacy
import Testing
@testable import BacklineFederation

@Suite struct ScratchExperimentTests {
    @Test func experiment() throws {
        for (members, home, seed) in [([15, 15, 15, 15, 15, 15], 0.3, UInt64(31)), ([15, 15, 15, 15, 15, 15], 0.3, 32), ([15, 15, 15, 15, 15, 15], 0.3, 33)] {
        let federation = try SyntheticFederation(shape: .init(members: members, artists: 80, genres: 6, itemsPerMember: 6...10, homeShare: home), seed: seed)
        for (lambda, lr, rounds) in [(Float(3), 0.05, 80), (Float(3), 0.1, 120)] {
            let specification = try federation.specification(factors: 8, regularization: lambda, featureRegularization: lambda)
            var simulation = try FederatedTrainingTests.simulation(federation, specification, privacy: nil, learningRate: lr)
            var noise = SeededNoise(seed: 1)
            try simulation.run(rounds: rounds, noise: &noise)
            let comparison = try FederationComparison(promoters: federation.promoters, tests: federation.tests, specification: specification)
            let f = try comparison.federated(simulation.trainer.parameters).map(\.ndcg)
            let a = try comparison.alone(iterations: 10, seed: 11).map(\.ndcg)
            let p = try comparison.pooled(iterations: 10, seed: 11).map(\.ndcg)
            print("EXPMIN", zip(f, a).map { $0 - $1 }.min()!)
            print("EXP \(members) \(home) lambda \(lambda) lr \(lr) R \(rounds): fed \(f) alone \(a) pooled \(p)")
        }
    }
        }
    }
