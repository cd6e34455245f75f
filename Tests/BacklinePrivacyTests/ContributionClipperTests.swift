import BacklineCore
import BacklinePrivacy
import Testing

@Suite struct ContributionClipperTests {
    /// SECURITY-TESTS 62: a norm of 1e30 clips to at most C·(1 + 1e-6).
    @Test(arguments: [1e30, 3e38, 1e10])
    func hugeNormClipsToC(_ magnitude: Double) throws {
        let clipper = try ContributionClipper(clipNorm: 1.5)
        var values = [Float](repeating: 0, count: 1000)
        values[0] = Float(magnitude)
        values[999] = -Float(magnitude)
        values[500] = 3
        let clipped = try clipper.clipped(values)
        let norm = VectorNorm.l2(clipped)
        #expect(norm <= 1.5 * (1 + 1e-6), "norm \(norm)")
        #expect(norm >= 1.5 * (1 - 1e-6))
    }

    /// SECURITY-TESTS 59/60: NaN and ±Inf are refused before clipping (the naive formula would
    /// return NaN or a vector of NaN instead of failing).
    @Test(arguments: [Float.nan, .infinity, -.infinity, .signalingNaN])
    func nonFiniteValuesAreRefused(_ bad: Float) throws {
        let clipper = try ContributionClipper(clipNorm: 1)
        let error = #expect(throws: PrivacyError.self) { try clipper.clipped([1, 2, bad, 4]) }
        #expect(error?.code == (bad.isNaN ? .notANumber : .infinite))
        #expect(error?.reason.contains("coordinate 2") == true)
    }

    @Test func smallVectorsAreUnchangedAndZeroIsFine() throws {
        let clipper = try ContributionClipper(clipNorm: 10)
        #expect(try clipper.clipped([3, 4]) == [3, 4])
        #expect(try clipper.clipped([0, 0, 0]) == [0, 0, 0])
    }

    @Test func normOfFloatVectorsNeverOverflows() {
        let values = [Float](repeating: .greatestFiniteMagnitude, count: 4)
        #expect(abs(VectorNorm.l2(values) - 2 * Double(Float.greatestFiniteMagnitude)) < 1e25)
    }
}
