import BacklineCore
import BacklinePrivacy
import Testing

@Suite struct UpdateValidatorTests {
    private let shape = try! ParameterShape.flat(6)

    private func update(
        _ values: [Float],
        round: UInt64 = 4,
        count: Double = 10,
        dtype: String = "f32",
        shape: ParameterShape? = nil
    ) -> ModelUpdate {
        ModelUpdate(
            node: "p1",
            round: round,
            shape: shape ?? self.shape,
            dtype: dtype,
            values: values,
            sampleCount: count
        )
    }

    private func reason(_ update: ModelUpdate, maximumNorm: Double? = 10, caps: Bool = true) throws -> String? {
        let validator = try UpdateValidator(
            round: 4,
            shape: shape,
            maximumNorm: maximumNorm,
            maximumSampleCount: 500,
            capsSampleCount: caps
        )
        switch validator.validate(update) {
        case .success: return nil
        case .failure(let rejection): return rejection.reason.code
        }
    }

    /// SECURITY-TESTS 59, 60, 63, 66 (pure part): every bad update is refused with its stable code.
    @Test func badUpdatesAreRejectedWithStableReasons() throws {
        #expect(try reason(update([1, 2, .nan, 0, 0, 0])) == "nan")
        #expect(try reason(update([.infinity, 2, .nan, 0, 0, 0])) == "nan")  // NaN wins wherever it is.
        #expect(try reason(update([1, 2, 0, 0, 0, -.infinity])) == "inf")
        #expect(try reason(update([1, 2, 3])) == "shape")
        #expect(
            try reason(
                update([1, 2, 3, 4, 5, 6], shape: try ParameterShape(tensors: [.init(name: "a", dimensions: [2, 3])]))
            )
                == "shape"
        )
        #expect(try reason(update([1, 2, 3, 4, 5, 6], dtype: "f16")) == "dtype")
        #expect(try reason(update([1e30, 0, 0, 0, 0, 0])) == "norm")
        #expect(try reason(update([1, 0, 0, 0, 0, 0], round: 3)) == "round")
        for count in [-5.0, 0, .nan, .infinity, -.infinity] {
            #expect(try reason(update([1, 0, 0, 0, 0, 0], count: count)) == "count", "count \(count)")
        }
        #expect(try reason(update([1, 0, 0, 0, 0, 0], count: 1e12), caps: false) == "count")
    }

    /// SECURITY-TESTS 60: Float32 values whose norm overflows Float are still measured in Double;
    /// without a bound the update is accepted with the right norm, with one it is refused.
    @Test func normIsMeasuredWithoutOverflow() throws {
        let huge = [Float](repeating: .greatestFiniteMagnitude, count: 6)
        #expect(try reason(update(huge), maximumNorm: 1e3) == "norm")
        let validator = try UpdateValidator(round: 4, shape: shape)
        let accepted = try validator.validate(update(huge)).get()
        #expect(accepted.norm.isFinite && accepted.norm > 1e38)
    }

    /// SECURITY-TESTS 59, 60 on a large vector checked in one pass: a single NaN or ±Inf anywhere
    /// (first, last, in the 4-lane tail) is found with its coordinate, NaN before an earlier Inf;
    /// an accepted update's norm is exactly the two-pass ``VectorNorm/l2(_:)-([Float])``.
    @Test(arguments: [0, 1, 499_997, 499_998, 500_000, 500_002])
    func onePassFindsEveryNonFiniteAndKeepsTheNorm(index: Int) throws {
        var generator = SeededGenerator(seed: UInt64(index) + 1)
        let clean = (0..<500_003).map { _ in Float.random(in: -1...1, using: &generator) }
        let shape = try ParameterShape.flat(clean.count)
        let validator = try UpdateValidator(round: 4, shape: shape)
        func outcome(_ values: [Float]) -> Result<ValidatedUpdate, UpdateRejection> {
            validator.validate(ModelUpdate(node: "p1", round: 4, shape: shape, values: values, sampleCount: 3))
        }
        let accepted = try outcome(clean).get()
        #expect(accepted.norm == VectorNorm.l2(clean))
        let sequential = clean.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(accepted.norm / sequential - 1) < 1e-12, "every value counted once")
        for (value, code) in [(Float.nan, "nan"), (.infinity, "inf"), (-.infinity, "inf"), (Float(bitPattern: 0xFF80_0001), "nan")] {
            var values = clean
            values[index] = value
            guard case .failure(let rejection) = outcome(values) else {
                Issue.record("\(value) at \(index) accepted")
                continue
            }
            #expect(rejection.reason.code == code)
            #expect(rejection.detail.contains("coordinate \(index)"), "\(rejection.detail)")
        }
        var both = clean
        both[0] = .infinity
        both[index == 0 ? 1 : index] = .nan
        guard case .failure(let rejection) = outcome(both) else {
            Issue.record("Inf and NaN accepted")
            return
        }
        #expect(rejection.reason.code == "nan")
    }

    /// SECURITY-TESTS 61: an all-zero update is accepted.
    @Test func allZeroUpdateIsAccepted() throws {
        #expect(try reason(update([0, 0, 0, 0, 0, 0])) == nil)
    }

    /// SECURITY-TESTS 66: a huge count is capped so the node's weight is at most the cap.
    @Test func hugeCountIsCapped() throws {
        let validator = try UpdateValidator(round: 4, shape: shape, maximumSampleCount: 500)
        let accepted = try validator.validate(update([1, 0, 0, 0, 0, 0], count: 1e12)).get()
        #expect(accepted.weight == 500)
    }
}
