import BacklineCore
import BacklineModel
import Testing

@Suite struct ParameterSetTests {
    func sample(_ offset: Float = 0) throws -> ParameterSet {
        try ParameterSet([
            ("a", Tensor(shape: [2, 2], values: [1 + offset, 2, 3, 4])),
            ("b", Tensor(shape: [3], values: [0, -1, 2 + offset])),
        ])
    }

    @Test func addScaleAndNorm() throws {
        let sum = try sample().adding(sample(1))
        #expect(sum["a"]!.values == [3, 4, 6, 8])
        #expect(sum["b"]!.values == [0, -2, 5])
        #expect(try sample().scaled(by: 2)["b"]!.values == [0, -2, 4])
        #expect(abs(try sample().l2Norm - (1 + 4 + 9 + 16 + 0 + 1 + 4 as Double).squareRoot()) < 1e-12)
        #expect(try sample().adding(sample(), scaledBy: -1).l2Norm == 0)
    }

    @Test func flattenAndUnflattenRoundTrip() throws {
        let set = try sample()
        let flat = set.flattened()
        #expect(flat == [1, 2, 3, 4, 0, -1, 2])
        #expect(try set.unflattened(flat) == set)
        #expect(throws: ModelError(code: .invalidShape, reason: "")) { try set.unflattened([1, 2]) }
    }

    @Test func incompatibleSetsAreRefused() throws {
        let other = try ParameterSet([("a", Tensor(shape: [4], values: [1, 2, 3, 4])), ("b", Tensor(shape: [3], values: [0, 0, 0]))])
        #expect(!(try sample()).isCompatible(with: other))
        #expect(throws: ModelError(code: .invalidShape, reason: "")) { try sample().adding(other) }
        #expect(throws: ModelError(code: .invalidShape, reason: "")) { try Tensor(shape: [2, 3], values: [1]) }
        #expect(throws: ModelError(code: .invalidShape, reason: "")) {
            try ParameterSet([("a", Tensor(shape: [1], values: [1])), ("a", Tensor(shape: [1], values: [1]))])
        }
    }

    @Test func finitenessCheckNamesTheTensor() throws {
        var set = try sample()
        #expect(set.isFinite)
        try set.setValues("b", [0, .nan, 1])
        #expect(!set.isFinite)
        #expect(throws: ModelError(code: .nonFinite, reason: "")) { try set.requireFinite() }
        #expect(try sample().scaled(by: .greatestFiniteMagnitude).l2Norm == .infinity)
    }
}
