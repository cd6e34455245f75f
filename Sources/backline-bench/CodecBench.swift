import BacklineCore
import BacklineCrypto
import BacklineFederation
import BacklineModel
import BacklinePrivacy
import Foundation

/// `backline-bench codec`: the CPU cost of one 4.5 MB update on its way through a round, for the
/// service benchmark's model (17 632 × 64 float32 = 1 128 448 parameters): SafeTensors encode and
/// decode, UpdateEnvelope encode and decode, the privacy validator, SHA-256 of the body, and one
/// mTLS loopback POST of a 4.5 MB body answered by a 4.5 MB response. Milliseconds, median of
/// ``CodecBench/repetitions`` runs after one warm-up.
func runCodecBench(_ reporter: BenchReporter) async throws {
    let repetitions = CodecBench.repetitions
    let parameters = try CodecBench.update(rows: 17_632, columns: 64)
    reporter.progress("update of \(parameters.scalarCount) float32 values; median of \(repetitions) runs each")

    let encoded = try SafeTensors.encode(parameters)
    reporter.emit("safetensors_encode_4_5MB", try CodecBench.medianMilliseconds { _ = try SafeTensors.encode(parameters) }, "ms")
    reporter.emit("safetensors_decode_4_5MB", try CodecBench.medianMilliseconds { _ = try SafeTensors.decode(encoded) }, "ms")

    let envelope = UpdateEnvelope(
        round: 1,
        node: "bench",
        sampleCount: 10,
        clipNorm: 1,
        noiseMultiplier: 1.1,
        parameters: parameters,
        modelSHA256: String(repeating: "ab", count: 32)
    )
    let body = try envelope.encoded()
    reporter.emit("envelope_encode_4_5MB", try CodecBench.medianMilliseconds { _ = try envelope.encoded() }, "ms")
    reporter.emit("envelope_decode_4_5MB", try CodecBench.medianMilliseconds { _ = try UpdateEnvelope(decoding: body) }, "ms")

    let update = try envelope.modelUpdate()
    reporter.emit("envelope_model_update_4_5MB", try CodecBench.medianMilliseconds { _ = try envelope.modelUpdate() }, "ms")
    let validator = try UpdateValidator(round: 1, shape: update.shape, maximumNorm: 1e9)
    guard case .success = validator.validate(update) else {
        throw CodecBenchFailure(step: "validate", detail: "the bench update was refused")
    }
    reporter.emit("validate_4_5MB", CodecBench.medianMilliseconds { _ = validator.validate(update) }, "ms")

    reporter.emit("sha256_4_5MB", CodecBench.medianMilliseconds { _ = SHA256.hash(body) }, "ms")

    reporter.progress("mTLS loopback POST of \(body.count) bytes answered by \(body.count) bytes …")
    reporter.emit("mtls_loopback_post_4_5MB_each_way", try CodecBenchLoopback.medianMilliseconds(body: body), "ms")
}

/// Shared pieces of the codec benchmark.
enum CodecBench {
    /// Timed runs per figure (after one untimed warm-up): `BACKLINE_BENCH_REPETITIONS`, at least 7
    /// (9 if unset), so a profiler can be given a longer run.
    static let repetitions = max(7, Int(ProcessInfo.processInfo.environment["BACKLINE_BENCH_REPETITIONS"] ?? "") ?? 9)

    /// A single-tensor update of `rows × columns` seeded values in roughly ±0.01, like a noised delta.
    static func update(rows: Int, columns: Int) throws -> ParameterSet {
        var generator = SeededGenerator(seed: 7)
        let values = (0..<(rows * columns)).map { _ in Float.random(in: -0.01...0.01, using: &generator) }
        return try ParameterSet([("artist_factors", Tensor(shape: [rows, columns], values: values))])
    }

    /// Median wall-clock milliseconds of `body` over ``repetitions`` runs, after one warm-up run.
    static func medianMilliseconds(_ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<repetitions { times.append(try measureSeconds(body) * 1000) }
        return times.sorted()[times.count / 2]
    }
}

/// A benchmark step that did not behave.
struct CodecBenchFailure: Error, CustomStringConvertible {
    let step: String
    let detail: String
    var description: String { "\(step): \(detail)" }
}
