import Testing

@testable import BacklineReport

@Suite struct ChartScaleTests {
    @Test(arguments: [
        [Double](), [0.27], [0, 0], [-3, 7.5], [0.001, 0.0012], [1e300, -1e300],
        [Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude],
        [1e20, 1e20 + 1e5], [5, 5, 5], [-42], [Double.nan, 3, .infinity, 4],
    ])
    func ticksAreFiniteAscendingAndCoverTheValues(values: [Double]) {
        let scale = ChartScale(covering: values, includeZero: false)
        #expect(scale.lower.isFinite && scale.upper.isFinite && scale.lower < scale.upper)
        #expect(scale.ticks.count >= 2 && scale.ticks.count <= 12)
        #expect(zip(scale.ticks, scale.ticks.dropFirst()).allSatisfy { $0 < $1 })
        for value in values where value.isFinite {
            #expect(scale.lower <= value && value <= scale.upper, "\(value) outside \(scale.lower)…\(scale.upper)")
            let position = scale.position(value, from: 300, to: 20)
            #expect(position.isFinite && position >= 20 - 1e-6 && position <= 300 + 1e-6)
        }
    }

    @Test func includeZeroStartsPositiveDataAtZero() {
        let scale = ChartScale(covering: [0.6, 1.2], includeZero: true)
        #expect(scale.lower == 0)
        #expect(scale.ticks.first == 0)
        #expect(scale.upper >= 1.2)
    }

    @Test func minimumStepKeepsRoundTicksWhole() {
        let scale = ChartScale(covering: [1, 2, 3], includeZero: false, minimumStep: 1)
        #expect(scale.ticks.allSatisfy { $0 == $0.rounded() })
    }
}
