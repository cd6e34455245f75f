import BacklineAggregator
import BacklineCore
import Foundation

/// `backline-bench service`: the cost of a federated round against Flower 1.42 (issue 7), in
/// one run. For 2, 5 and 10 clients in turn: Flower's legacy API (see ``ServiceBenchFlower``),
/// then Backline with the same model size (1 128 448 float32) and clients that do no training:
/// an ``AggregatorService`` in this process on 127.0.0.1 (SQLite in a scratch directory, PKI
/// minted there), each promoter with its own certificate, rounds timed from open to published
/// with mTLS 1.3, policy decisions and audit entries included (median of
/// `BACKLINE_SERVICE_BENCH_ROUNDS`, default 11; goal ≤ 0.2 × Flower). Last, 100 promoters complete
/// one round against `backline aggregator serve` as a separate process, whose peak resident
/// memory (VmHWM) is read from /proc. For quick runs while working on it:
/// `BACKLINE_SERVICE_BENCH_CLIENTS=10` (comma list), `BACKLINE_SERVICE_BENCH_HUNDRED=0`,
/// `BACKLINE_SERVICE_BENCH_PEER=reference` (Flower's table instead of a measurement, marked so).
func runServiceBench(_ reporter: BenchReporter) async throws {
    let environment = ProcessInfo.processInfo.environment
    let clientCounts = environment["BACKLINE_SERVICE_BENCH_CLIENTS"].map { $0.split(separator: ",").compactMap { Int($0) } } ?? [2, 5, 10]
    let rounds = max(5, Int(environment["BACKLINE_SERVICE_BENCH_ROUNDS"] ?? "") ?? 11)
    // As `backline aggregator serve` does: this process hosts the aggregator (and the clients).
    AllocatorTuning.forLargeBuffers()
    let scratch = NSTemporaryDirectory() + "backline-service-bench-\(getpid())"
    try? FileManager.default.removeItem(atPath: scratch)
    defer { try? FileManager.default.removeItem(atPath: scratch) }

    let measureFlower = ServiceBenchFlower.isAvailable(reporter)
    reporter.progress("minting the federation (CA, aggregator, operator, 100 promoters) in \(scratch)")
    let federation = try ServiceBenchFederation(directory: scratch + "/federation", promoterCount: 100)
    let values = ServiceBench.noise(count: ServiceBenchFederation.modelShape.reduce(1, *))

    // Flower and Backline alternate per client count, so both sides of a ratio see about the
    // same background load (other builds share this machine); the load is printed before each.
    for count in clientCounts {
        ServiceBench.emitLoadAverage(reporter, "before_flower_\(count)_clients")
        let flower = ServiceBenchFlower.run(clients: count, measure: measureFlower, scratch: scratch, reporter: reporter)
        if let flower { ServiceBench.report(flower, reporter: reporter) }
        ServiceBench.emitLoadAverage(reporter, "before_backline_\(count)_promoters")
        let (outcomes, exposition) = try await ServiceBench.runRounds(
            promoters: count,
            rounds: rounds,
            federation: federation,
            values: values,
            reporter: reporter
        )
        ServiceBench.report(outcomes, promoters: count, peer: flower, reporter: reporter)
        ServiceBench.reportRoutes(exposition, promoters: count, reporter: reporter)
    }

    if environment["BACKLINE_SERVICE_BENCH_HUNDRED"] != "0" {
        try await ServiceBench.runHundred(federation: federation, values: values, reporter: reporter)
    }
}

/// Helpers of ``runServiceBench(_:)``.
enum ServiceBench {
    /// The values every benchmark update carries: N(0, 0.01²) noise, like the peer's clients add.
    static func noise(count: Int) -> [Float] {
        var generator = SeededGenerator(seed: 7)
        return (0..<count).map { _ in Float(0.01 * generator.nextGaussian()) }
    }

    /// `rounds` rounds of `promoters` promoters against an aggregator served in this process
    /// (its own SQLite file); returns them and the service's `/metrics` text.
    static func runRounds(
        promoters: Int,
        rounds: Int,
        federation: ServiceBenchFederation,
        values: [Float],
        reporter: BenchReporter
    )
        async throws -> ([ServiceBenchRounds.Outcome], String)
    {
        let configuration = try AggregatorConfiguration.load(path: try federation.writeConfiguration(database: "n\(promoters)"))
        let service = try AggregatorService.make(
            configuration: configuration,
            logger: Logger(label: "service-bench-aggregator", minimumLevel: .info) { _ in }
        )
        let driver = try ServiceBenchRounds(federation: federation, count: promoters, port: try await service.start(), values: values)
        defer {
            driver.close()
            service.shutdown()
        }
        var outcomes: [ServiceBenchRounds.Outcome] = []
        let cpuBefore = processCPUSeconds()
        for index in 1...rounds {
            let outcome = try await driver.run()
            outcomes.append(outcome)
            reporter.progress(
                "\(promoters) promoters, round \(index): \(String(format: "%.3f", outcome.seconds)) s, published: \(outcome.published)"
            )
        }
        // Aggregator and clients share this process: its CPU time per round is the whole round's
        // (both cores' worth), a floor for the round on a 2-core machine once halved.
        reporter.emit(
            "backline_process_cpu_seconds_per_round_\(promoters)_promoters",
            (processCPUSeconds() - cpuBefore) / Double(rounds),
            "s"
        )
        return (outcomes, service.metrics.exposition())
    }

    /// User plus system CPU time of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Emits Flower's median round and server peak memory.
    static func report(_ figures: ServiceBenchFlower.Figures, reporter: BenchReporter) {
        let suffix = figures.measured ? "" : "_reference_not_measured"
        reporter.emit("flower_median_round_seconds_\(figures.clients)_clients\(suffix)", figures.medianRoundSeconds, "s")
        if let rss = figures.serverPeakRSSMegabytes {
            reporter.emit("flower_server_peak_rss_\(figures.clients)_clients\(suffix)", rss * 1_048_576, "bytes")
        }
    }

    /// Emits the rounds' median (against Flower when its figure exists), spread and traffic.
    static func report(_ outcomes: [ServiceBenchRounds.Outcome], promoters: Int, peer: ServiceBenchFlower.Figures?, reporter: BenchReporter)
    {
        let seconds = outcomes.map(\.seconds).sorted()
        let median = Self.median(seconds)
        let name = "backline_median_round_seconds_\(promoters)_promoters"
        if let peer {
            let label = "flower-1.42-legacy" + (peer.measured ? "" : " (reference table, not measured in this run)")
            reporter.emit(name, median, "s", peer: label, peerValue: peer.medianRoundSeconds, goal: "<= 0.2")
        } else {
            reporter.emit(name, median, "s")
        }
        reporter.emit("backline_min_round_seconds_\(promoters)_promoters", seconds.first ?? 0, "s")
        reporter.emit("backline_max_round_seconds_\(promoters)_promoters", seconds.last ?? 0, "s")
        reporter.emit(
            "backline_median_loopback_bytes_per_round_\(promoters)_promoters",
            Self.median(outcomes.map(\.loopbackBytes).sorted()),
            "bytes"
        )
        // Below 3 promoters the round closes as failed by design (k-anonymity floor, item 77).
        reporter.emit(
            "backline_rounds_published_\(promoters)_promoters",
            Double(outcomes.filter(\.published).count),
            "rounds of \(outcomes.count)"
        )
    }

    /// 100 promoters complete one round against the CLI aggregator in its own process; its
    /// VmHWM is the aggregator's peak memory. Without a release CLI, the aggregator runs in this
    /// process and the figure is this process's peak (aggregator plus 100 clients), named so.
    static func runHundred(federation: ServiceBenchFederation, values: [Float], reporter: BenchReporter) async throws {
        let configurationPath = try federation.writeConfiguration(database: "n100")
        guard FileManager.default.isExecutableFile(atPath: ServiceBenchAggregatorProcess.binary) else {
            reporter.progress(
                "\(ServiceBenchAggregatorProcess.binary) missing (build with `swift build -c release`): aggregator in process"
            )
            let service = try AggregatorService.make(
                configuration: try AggregatorConfiguration.load(path: configurationPath),
                logger: Logger(label: "service-bench-aggregator", minimumLevel: .info) { _ in }
            )
            let driver = try ServiceBenchRounds(federation: federation, count: 100, port: try await service.start(), values: values)
            defer {
                driver.close()
                service.shutdown()
            }
            let outcome = try await driver.run()
            reporter.emit("backline_round_seconds_100_promoters", outcome.seconds, "s")
            reporter.emit("bench_process_peak_rss_100_promoters_aggregator_and_clients_in_process", peakResidentBytes(), "bytes")
            return
        }
        let aggregator = try ServiceBenchAggregatorProcess(configuration: configurationPath)
        reporter.progress("aggregator process \(aggregator.pid) on port \(aggregator.port); 100 promoters submitting")
        let driver = try ServiceBenchRounds(federation: federation, count: 100, port: aggregator.port, values: values)
        let outcome: ServiceBenchRounds.Outcome
        do { outcome = try await driver.run() } catch {
            reporter.progress("aggregator log: \(aggregator.logTail)")
            driver.close()
            aggregator.stop()
            throw error
        }
        let peak = aggregator.peakResidentBytes()
        driver.close()
        let status = aggregator.stop()
        reporter.progress(
            "100 promoters: \(String(format: "%.2f", outcome.seconds)) s, published: \(outcome.published); aggregator exit status \(status)"
        )
        reporter.emit("backline_round_seconds_100_promoters", outcome.seconds, "s")
        reporter.emit("backline_rounds_published_100_promoters", outcome.published ? 1 : 0, "rounds of 1")
        if let peak { reporter.emit("backline_aggregator_process_peak_rss_100_promoters", peak, "bytes") }
    }

    /// Where the server's time went: mean seconds per request of each route, from `/metrics`.
    static func reportRoutes(_ exposition: String, promoters: Int, reporter: BenchReporter) {
        var sums: [String: Double] = [:]
        var counts: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where line.hasPrefix("backline_request_duration_seconds_") {
            guard let open = line.firstIndex(of: "\""), let close = line.lastIndex(of: "\""), open < close,
                let value = line.split(separator: " ").last.flatMap({ Double($0) })
            else { continue }
            let route = String(line[line.index(after: open)..<close])
            if line.hasPrefix("backline_request_duration_seconds_sum") { sums[route] = value } else { counts[route] = value }
        }
        for (route, sum) in sums.sorted(by: { $0.key < $1.key }) {
            guard let count = counts[route], count > 0 else { continue }
            let name = route.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            reporter.emit("server_mean_seconds_\(String(name))_\(promoters)_promoters", sum / count, "s per request")
        }
    }

    static func median(_ sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The 1-minute load average now, as a figure named `load_average_1min_<moment>`.
    static func emitLoadAverage(_ reporter: BenchReporter, _ moment: String) {
        if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8).split(separator: " ").first.flatMap({ Double($0) }) {
            reporter.emit("load_average_1min_\(moment)", load, "runnable tasks")
        }
    }
}
