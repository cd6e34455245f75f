import BacklineCore
import BacklinePrivacy

/// A reproducible randomness source for tests only (production uses `SecureNoiseSource`).
struct SeededNoiseSource: NoiseRandomSource {
    private var generator: SeededGenerator
    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
}

/// Sample mean and (n − 1) standard deviation.
func moments(_ values: some Collection<Double>) -> (mean: Double, standardDeviation: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    return (mean, variance.squareRoot())
}
