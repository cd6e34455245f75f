import BacklineCore
import BacklineModel
import Foundation
import Testing

@Suite struct ALSTrainerTests {
    func problem() throws -> (SparseMatrix, SideFeatures) {
        let interactions = try ModelFixtures.random(members: 40, artists: 30, density: 0.15, seed: 3)
        let features = SideFeatures(
            members: try ModelFixtures.features(rows: 40, features: 5, seed: 4),
            artists: try ModelFixtures.features(rows: 30, features: 6, seed: 5)
        )
        return (interactions, features)
    }

    @Test(arguments: [1, 3])
    func objectiveNeverIncreases(conjugateSteps: Int) throws {
        let (interactions, features) = try problem()
        var configuration = ModelFixtures.configuration(factors: 5, iterations: 12)
        configuration.conjugateGradientSteps = conjugateSteps
        let result = try ALSTrainer(configuration: configuration).train(
            interactions: interactions,
            features: features,
            recordObjective: true
        )
        #expect(result.objective.count == 12)
        for (before, after) in zip(result.objective, result.objective.dropFirst()) {
            #expect(after <= before * (1 + 1e-5), "objective rose from \(before) to \(after)")
        }
        #expect(result.objective.last! < result.objective.first!)
    }

    @Test func woodburyPathAlsoDecreasesTheObjective() throws {
        // Many factors and very sparse rows make the exact Woodbury solve the cheaper path.
        let interactions = try ModelFixtures.random(members: 200, artists: 120, density: 0.02, seed: 9)
        let result = try ALSTrainer(configuration: ModelFixtures.configuration(factors: 32, iterations: 6))
            .train(interactions: interactions, features: .none(memberCount: 200, artistCount: 120), recordObjective: true)
        for (before, after) in zip(result.objective, result.objective.dropFirst()) { #expect(after <= before * (1 + 1e-5)) }
    }

    @Test(arguments: [1, 2, 3])
    func trainingIsDeterministicForASeedAndThreadCount(threads: Int) throws {
        let (interactions, features) = try problem()
        let trainer = try ALSTrainer(configuration: ModelFixtures.configuration(iterations: 4, threads: threads))
        let first = try trainer.train(interactions: interactions, features: features)
        let second = try trainer.train(interactions: interactions, features: features)
        #expect(first.model == second.model)
        #expect(first.memberFactors == second.memberFactors)
        var other = ModelFixtures.configuration(iterations: 4, threads: threads)
        other.seed = 7
        let reseeded = try ALSTrainer(configuration: other).train(interactions: interactions, features: features)
        #expect(reseeded.model != first.model)
    }

    @Test func invalidConfigurationsAreRefused() {
        var configuration = TrainingConfiguration()
        configuration.factors = 0
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try ALSTrainer(configuration: configuration) }
        configuration = TrainingConfiguration()
        configuration.regularization = .nan
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try ALSTrainer(configuration: configuration) }
        configuration = TrainingConfiguration()
        configuration.weighting = .log(alpha: -1)
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try ALSTrainer(configuration: configuration) }
    }

    @Test func mismatchedFeatureTablesAreRefused() throws {
        let (interactions, _) = try problem()
        let wrong = SideFeatures.none(memberCount: 39, artistCount: 30)
        #expect(throws: ModelError(code: .invalidShape, reason: "")) {
            try ALSTrainer(configuration: ModelFixtures.configuration()).train(interactions: interactions, features: wrong)
        }
    }

    @Test func foldInReproducesTheClosedFormOfTraining() throws {
        let (interactions, features) = try problem()
        let result = try ALSTrainer(configuration: ModelFixtures.configuration(iterations: 6)).train(
            interactions: interactions,
            features: features
        )
        let folded = try result.model.foldInMembers(interactions: interactions, memberFeatures: features.members)
        let confidence = result.model.weighting.extraConfidence(for: interactions)
        let row = try MemberRow(row: 5, extraConfidence: confidence, memberFeatures: features.members)
        let single = try result.model.solveOwnFactor(row)
        for i in 0..<single.count { #expect(abs(single[i] - folded.own.storage[5 * single.count + i]) < 1e-4) }
        // The exact solve is a minimum: the member's loss there is below the trained (CG) factor's.
        let exactLoss = try result.model.memberLossAndGradient(row, ownFactor: single).loss
        let trainedLoss = try result.model.memberLossAndGradient(row, ownFactor: result.memberFactors.row(5)).loss
        #expect(exactLoss <= trainedLoss + 1e-6)
    }

    @Test func confidenceWeightingsParseAndStayNonNegative() throws {
        let interactions = try ModelFixtures.random(members: 10, artists: 10, density: 0.4, seed: 1)
        for spec in ["linear:0.5", "log:2:1", "bm25:1:100:0.8"] {
            let weighting = try ConfidenceWeighting(parsing: spec)
            #expect(try ConfidenceWeighting(parsing: weighting.description) == weighting)
            #expect(weighting.extraConfidence(for: interactions).values.allSatisfy { $0 >= 0 && $0.isFinite })
        }
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try ConfidenceWeighting(parsing: "cubic:2") }
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try ConfidenceWeighting(parsing: "log:0") }
        let log = ConfidenceWeighting.log(alpha: 2).extraConfidence(for: interactions)
        #expect(abs(log.values[0] - 2 * Float(Foundation.log1p(Double(interactions.values[0])))) < 1e-5)
    }
}
