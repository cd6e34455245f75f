import BacklineModel
import Foundation

/// Seconds per full ALS sweep at 64 factors (no side features, log:2 confidence, λ 50, 3 CG
/// steps as implicit), median of 15 sweeps, on 1 and 2 threads.
enum ModelBenchTiming {
    static func run(_ reporter: BenchReporter, data: LastFMData, peer: ModelBenchPeer.Figures) throws {
        for threads in [1, 2] {
            var configuration = TrainingConfiguration()
            configuration.factors = 64
            configuration.regularization = 50
            configuration.weighting = .log(alpha: 2)
            configuration.iterations = 15
            configuration.threads = threads
            let times = TimesBox()
            _ = try ALSTrainer(configuration: configuration).train(
                interactions: data.train,
                features: .none(memberCount: data.train.rowCount, artistCount: data.train.columnCount)
            ) { progress in times.append(progress.seconds) }
            let median = times.values.sorted()[times.values.count / 2]
            let peerValue = threads == 1 ? peer.secondsPerIteration1 : peer.secondsPerIteration2
            let name = "seconds_per_sweep_f64_\(threads)thread\(threads == 1 ? "" : "s")"
            if let peerValue {
                reporter.emit(
                    name,
                    median,
                    "s",
                    peer: "implicit-als f=64 cg, \(threads) thread(s), same run",
                    peerValue: peerValue,
                    goal: "<= 0.5"
                )
            } else {
                reporter.emit(name, median, "s")
            }
        }
    }
}

/// Collects per-sweep seconds from the progress callback.
final class TimesBox: @unchecked Sendable {
    // @unchecked: the trainer calls progress sequentially on the training thread.
    private(set) var values: [Double] = []
    func append(_ value: Double) { values.append(value) }
}
