import BacklineCore
import BacklineModel
import Foundation

/// `backline-bench model`: quality on the Last.fm-2k split against implicit's ALS (run in the same
/// bench), seconds per sweep at 64 factors on 1 and 2 threads, and a 1 M × 50 M scale run.
/// `MODEL_BENCH_PARTS` (comma list of peer, quality, timing, scale) selects parts; all by default.
func runModelBench(_ reporter: BenchReporter) async throws {
    let environment = ProcessInfo.processInfo.environment
    let parts = Set((environment["MODEL_BENCH_PARTS"] ?? "peer,quality,timing,scale").split(separator: ",").map(String.init))
    let dataDirectory = environment["MODEL_BENCH_DATA"] ?? "../shared/data/lastfm-2k"
    let peer = parts.contains("peer") ? ModelBenchPeer.run(reporter) : ModelBenchPeer.Figures()
    let data = try LastFMData(directory: dataDirectory)
    reporter.progress("loaded \(data.members.count) members, \(data.artists.count) artists, \(data.train.entryCount) train pairs")
    // Timing right after the peer, so both are measured under the same machine load.
    if parts.contains("timing") { try ModelBenchTiming.run(reporter, data: data, peer: peer) }
    if parts.contains("quality") { try ModelBenchQuality.run(reporter, data: data, peer: peer) }
    if parts.contains("scale") { try ModelBenchScale.run(reporter) }
}
