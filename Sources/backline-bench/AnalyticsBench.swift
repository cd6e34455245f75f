import BacklineAnalytics
import BacklineCore
import BacklinePrivacy
import BacklineVault
import Foundation

/// A ledger store that keeps nothing (the bench's ledger has a huge budget and is thrown away).
private struct DiscardingPersistence: PrivacyLedgerPersistence {
    func storeLedger(_ encoded: Data, promoter: String) throws {}
}

/// The `analytics` group: the accuracy table (ε ∈ {0.1, 0.5, 1, 2}, cells with ≥ 1 000 members),
/// the time for a node to answer every built-in query, and combining 100 nodes' histograms.
/// Environment: BACKLINE_BENCH_ANALYTICS_MEMBERS (default 1 000 000) for the timing node.
func runAnalyticsBench(_ reporter: BenchReporter) throws {
    try benchAccuracy(reporter, members: 100_000)
    let members = Int(ProcessInfo.processInfo.environment["BACKLINE_BENCH_ANALYTICS_MEMBERS"] ?? "") ?? 1_000_000
    try benchNode(reporter, members: members)
}

private func syntheticEngine(_ reporter: BenchReporter, members: Int, seed: UInt64) throws -> AnalyticsEngine {
    let federation = try SyntheticFederation(
        SyntheticConfiguration(seed: seed, promoters: 1, membersPerPromoter: members, listening: false)
    )
    var sink = VaultSyntheticSink()
    let generated = try measureSeconds { try federation.generate(promoter: 0, into: &sink) }
    reporter.progress("generated \(members) members in \(String(format: "%.1f", generated)) s")
    var engine: AnalyticsEngine?
    let joined = try measureSeconds { engine = try AnalyticsEngine(sink.data) }
    reporter.emit("join_seconds_\(members)_members", joined, "s")
    return engine!
}

private func benchAccuracy(_ reporter: BenchReporter, members: Int) throws {
    let engine = try syntheticEngine(reporter, members: members, seed: 11)
    var source = SecureNoiseSource()
    let epsilons = [0.1, 0.5, 1, 2]
    let rows = try AccuracyTable.measure(
        engine,
        queries: AnalyticsQuery.builtIn,
        epsilons: epsilons,
        delta: 1e-5,
        minimumMembers: 1000,
        using: &source
    )
    reporter.progress("accuracy table, \(members) members, δ = 1e-5, cells with ≥ 1 000 members (relative error of the mean):")
    reporter.progress(
        "query/cell                                  members   exact      "
            + epsilons.map { "ε=\($0)".padding(toLength: 9, withPad: " ", startingAt: 0) }.joined()
    )
    var keys: [String] = []
    for row in rows where !keys.contains("\(row.query)/\(row.cell)") { keys.append("\(row.query)/\(row.cell)") }
    for key in keys {
        let cells = rows.filter { "\($0.query)/\($0.cell)" == key }
        let errors = epsilons.map { epsilon in
            cells.first { $0.epsilon == epsilon }?.relativeError.map { String(format: "%.2f%%", $0 * 100) } ?? "supp."
        }
        let first = cells[0]
        reporter.progress(
            key.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%7d  %9.4g  ", first.members, first.exact)
                + errors.map { $0.padding(toLength: 9, withPad: " ", startingAt: 0) }.joined()
        )
    }
    for epsilon in epsilons {
        let errors = rows.filter { $0.epsilon == epsilon }.map { $0.relativeError ?? .infinity }.sorted()
        guard !errors.isEmpty else { continue }
        let within = Double(errors.filter { $0 <= 0.05 }.count) / Double(errors.count)
        reporter.emit("accuracy_cells_eps\(epsilon)", Double(errors.count), "cells")
        reporter.emit("accuracy_median_relative_error_eps\(epsilon)", errors[errors.count / 2], "ratio")
        reporter.emit("accuracy_share_within_5pct_eps\(epsilon)", within, "share")
        if epsilon == 1 {
            reporter.emit("accuracy_worst_relative_error_eps1", errors.last!, "ratio", goal: "<= 0.05")
        } else {
            reporter.emit("accuracy_worst_relative_error_eps\(epsilon)", errors.last!, "ratio")
        }
    }
}

private func benchNode(_ reporter: BenchReporter, members: Int) throws {
    let engine = try syntheticEngine(reporter, members: members, seed: 12)
    reporter.emit("node_visits", Double(engine.visitCount), "visits")
    var ledger = PrivacyLedger(promoter: "bench", budget: try PrivacyBudget(epsilon: 1e9, delta: 1e-5))
    var source = SecureNoiseSource()
    let mechanisms = try AnalyticsQuery.builtIn.map { try HistogramMechanism(query: $0, epsilon: 1, delta: 1e-5) }
    var releases: [NoisedHistogram] = []
    let dp = try measureSeconds {
        for mechanism in mechanisms {
            releases.append(try engine.release(mechanism, ledger: &ledger, persistence: DiscardingPersistence(), using: &source))
        }
    }
    reporter.emit("all_builtin_dp_queries_seconds_\(members)_members", dp, "s")
    let exact = measureSeconds { for query in AnalyticsQuery.builtIn { _ = engine.exact(query) } }
    reporter.emit("all_builtin_exact_queries_seconds_\(members)_members", exact, "s")
    reporter.emit("peak_resident_bytes", peakResidentBytes(), "bytes")

    try benchCombiner(reporter, mechanisms: mechanisms)
}

/// 100 releases of each built-in query from a 10 000-member node stand in for 100 nodes'
/// histograms (combining costs the same whatever the node sizes).
private func benchCombiner(_ reporter: BenchReporter, mechanisms: [HistogramMechanism]) throws {
    let engine = try syntheticEngine(reporter, members: 10_000, seed: 13)
    var ledger = PrivacyLedger(promoter: "bench", budget: try PrivacyBudget(epsilon: 1e9, delta: 1e-5))
    var source = SecureNoiseSource()
    var nodes: [[NoisedHistogram]] = []
    for mechanism in mechanisms {
        var copies: [NoisedHistogram] = []
        for _ in 0..<100 {
            copies.append(try engine.release(mechanism, ledger: &ledger, persistence: DiscardingPersistence(), using: &source))
        }
        nodes.append(copies)
    }
    var combined = 0
    let seconds = try measureSeconds {
        for copies in nodes {
            let total = try HistogramCombiner.combine(copies)
            combined += total.nodes
        }
    }
    reporter.emit("combine_100_nodes_all_builtin_queries_seconds", seconds, "s")
    reporter.progress("combined \(combined) node histograms over \(nodes.count) queries; timings taken while other agents compile")
    // What the aggregator does on close: decode each node's JSON histogram, then sum.
    let bodies = try nodes.map { try $0.map { try JSONEncoder().encode($0) } }
    let decodeAndCombine = try measureSeconds {
        for copies in bodies {
            _ = try HistogramCombiner.combine(try copies.map { try JSONDecoder().decode(NoisedHistogram.self, from: $0) })
        }
    }
    reporter.emit("decode_and_combine_100_nodes_json_all_builtin_queries_seconds", decodeAndCombine, "s")
}
