import BacklineCore
import BacklineModel
import Testing

/// SECURITY-TESTS 59–61, 63, 65 at the tensor level: what the model and the codec do with
/// hostile parameter sets and files.
@Suite struct ModelInputSafetyTests {
    func model() throws -> FactorModel {
        let interactions = try ModelFixtures.twoGroups()
        return try ALSTrainer(configuration: ModelFixtures.configuration(iterations: 2))
            .train(interactions: interactions, features: .none(memberCount: 12, artistCount: 8)).model
    }

    @Test func allZeroUpdateIsAcceptedAndChangesNothing() throws {
        var model = try model()
        let before = model
        try model.setParameters(model.parameters.adding(model.parameters.zeros()))
        #expect(model == before)
        let decoded = try SafeTensors.decode(SafeTensors.encode(model.parameters.zeros())).parameters
        #expect(decoded.l2Norm == 0 && decoded.isCompatible(with: model.parameters))
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteUpdateNeverReachesTheModel(_ bad: Float) throws {
        var model = try model()
        let before = model
        var update = model.parameters.zeros()
        var values = update[FactorModel.artistFactorsName]!.values
        values[3] = bad
        try update.setValues(FactorModel.artistFactorsName, values)
        #expect(throws: ModelError(code: .nonFinite, reason: "")) { try model.setParameters(model.parameters.adding(update)) }
        #expect(model == before)
        #expect(throws: ModelError(code: .nonFinite, reason: "")) { try SafeTensors.encode(update) }
    }

    @Test func wrongShapedUpdateIsRefused() throws {
        var model = try model()
        let wrong = try ParameterSet([(FactorModel.artistFactorsName, Tensor(shape: [8, 3], values: [Float](repeating: 0, count: 24)))])
        #expect(throws: ModelError(code: .invalidShape, reason: "")) { try model.setParameters(wrong) }
        #expect(throws: ModelError(code: .invalidShape, reason: "")) { try model.parameters.adding(wrong) }
    }

    /// 10 000 mutated files: truncations and header corruptions are all refused with a
    /// ModelError; data-byte corruptions either decode to finite tensors of the original shapes
    /// or are refused as non-finite. Nothing crashes.
    @Test func fuzzedFilesAreRefusedCleanly() throws {
        let original = try SafeTensors.encode(model().parameters, metadata: ["format": "fuzz"])
        let headerEnd = 8 + original[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var generator = SeededGenerator(seed: 65)
        var refused = 0
        var accepted = 0
        for round in 0..<10_000 {
            var bytes = original
            switch round % 3 {
            case 0:
                bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            case 1:
                for _ in 0..<(1 + generator.next() % 4) {
                    let at = Int(generator.next() % UInt64(headerEnd))
                    bytes[at] = UInt8(truncatingIfNeeded: generator.next())
                }
            default:
                let at = headerEnd + Int(generator.next() % UInt64(bytes.count - headerEnd))
                bytes[at] = UInt8(truncatingIfNeeded: generator.next())
            }
            do {
                let decoded = try SafeTensors.decode(bytes).parameters
                #expect(decoded.isFinite)
                if round % 3 == 0 { Issue.record("a truncated file of \(bytes.count) bytes decoded") }
                accepted += 1
            } catch is ModelError {
                refused += 1
            }
        }
        #expect(refused + accepted == 10_000)
        #expect(refused >= 3_334)
    }
}
