import BacklineCore
import BacklineModel
import Testing

@Suite struct GradientTests {
    /// Central differences are exact for the loss, which is quadratic in each global parameter,
    /// so the analytic gradient must agree up to rounding.
    @Test func memberGradientMatchesFiniteDifferences() throws {
        let interactions = try ModelFixtures.random(members: 20, artists: 15, density: 0.25, seed: 11)
        let features = SideFeatures(
            members: try ModelFixtures.features(rows: 20, features: 4, seed: 12),
            artists: try ModelFixtures.features(rows: 15, features: 5, seed: 13)
        )
        let result = try ALSTrainer(configuration: ModelFixtures.configuration(factors: 3, iterations: 3))
            .train(interactions: interactions, features: features)
        let model = result.model
        let confidence = model.weighting.extraConfidence(for: interactions)
        let member = 4
        let row = try MemberRow(row: member, extraConfidence: confidence, memberFeatures: features.members)
        #expect(!row.features.isEmpty && !row.artists.isEmpty)
        let own = result.memberFactors.row(member)
        let (_, gradient) = try model.memberLossAndGradient(row, ownFactor: own)
        var generator = SeededGenerator(seed: 99)
        let parameters = model.parameters
        var checked = 0
        for name in parameters.names {
            let count = parameters[name]!.count
            for _ in 0..<8 {
                let index = Int(generator.next() % UInt64(count))
                let step: Float = 1e-2
                func loss(_ delta: Float) throws -> Double {
                    var values = parameters[name]!.values
                    values[index] += delta
                    var perturbed = parameters
                    try perturbed.setValues(name, values)
                    var shifted = model
                    try shifted.setParameters(perturbed)
                    return try shifted.memberLossAndGradient(row, ownFactor: own).loss
                }
                let numeric = (try loss(step) - loss(-step)) / (2 * Double(step))
                let analytic = Double(gradient[name]!.values[index])
                #expect(
                    abs(numeric - analytic) <= 2e-3 * max(1, abs(analytic)),
                    "\(name)[\(index)]: numeric \(numeric), analytic \(analytic)"
                )
                checked += 1
            }
        }
        #expect(checked == 24)
        #expect(gradient.isCompatible(with: parameters))
    }

    @Test func gradientVanishesForTheLossMinimisingArtistBlock() throws {
        // At a trained model the summed member gradients plus the artist regulariser are small
        // relative to the gradient at a perturbed model: a sanity check of the sign conventions.
        let interactions = try ModelFixtures.twoGroups()
        let result = try ALSTrainer(configuration: ModelFixtures.configuration(factors: 3, iterations: 30))
            .train(interactions: interactions, features: .none(memberCount: 12, artistCount: 8))
        let model = result.model
        let confidence = model.weighting.extraConfidence(for: interactions)
        func total(_ model: FactorModel) throws -> Double {
            var sum = model.parameters.zeros()
            for member in 0..<interactions.rowCount {
                let row = try MemberRow(row: member, extraConfidence: confidence, memberFeatures: .empty(rowCount: 12, columnCount: 0))
                sum = try sum.adding(model.memberLossAndGradient(row, ownFactor: result.memberFactors.row(member)).gradient)
            }
            return try sum.adding(model.parameters, scaledBy: 2 * model.regularization).l2Norm
        }
        var perturbed = model
        try perturbed.setParameters(model.parameters.scaled(by: 1.5))
        #expect(try total(model) < 0.1 * total(perturbed))
    }

    @Test func wrongOwnFactorIsRefused() throws {
        let interactions = try ModelFixtures.twoGroups()
        let model = try ALSTrainer(configuration: ModelFixtures.configuration(iterations: 1))
            .train(interactions: interactions, features: .none(memberCount: 12, artistCount: 8)).model
        let row = try MemberRow(artists: [0, 1], extraConfidence: [1, 1])
        #expect(throws: ModelError(code: .invalidShape, reason: "")) { try model.memberLossAndGradient(row, ownFactor: [1, 2]) }
        #expect(throws: ModelError(code: .nonFinite, reason: "")) { try model.memberLossAndGradient(row, ownFactor: [.nan, 0, 0, 0]) }
        let outside = try MemberRow(artists: [0, 9], extraConfidence: [1, 1])
        #expect(throws: ModelError(code: .outOfRange, reason: "")) { try model.solveOwnFactor(outside) }
        #expect(throws: ModelError(code: .outOfRange, reason: "")) { try MemberRow(artists: [2, 1], extraConfidence: [1, 1]) }
    }
}
