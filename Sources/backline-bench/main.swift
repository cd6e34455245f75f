import Foundation

/// Benchmark groups; each lives in `<Group>Bench.swift` and is run by `make bench ONLY=<group>`.
let groups: [String: () async throws -> Void] = [
    "vault": {
        // Import first: its peak-memory figures read this process's high-water mark, which the
        // 1 GiB throughput buffers would otherwise mask.
        try runVaultImportBench(BenchReporter(group: "vault"))
        try runVaultCryptoBench(BenchReporter(group: "vault"))
    },
    "transport": { try await runTransportBench(BenchReporter(group: "transport")) },
    "audit": {
        try runAuditBench(BenchReporter(group: "audit"))
        try runStoreBench(BenchReporter(group: "audit"))  // needs BACKLINE_PG_URL (make bench provides it)
    },
    "privacy": {
        try runPrivacyBench(BenchReporter(group: "privacy"))
        try runFederationBench(BenchReporter(group: "privacy"))
    },
    "model": { try await runModelBench(BenchReporter(group: "model")) },
    "analytics": { try runAnalyticsBench(BenchReporter(group: "analytics")) },
    "service": { try await runServiceBench(BenchReporter(group: "service")) },
    "codec": { try await runCodecBench(BenchReporter(group: "codec")) },
]

let requested = Array(CommandLine.arguments.dropFirst())
if requested.isEmpty || requested.contains("--help") {
    print("usage: backline-bench <group>...   groups: \(groups.keys.sorted().joined(separator: ", "))")
    exit(requested.isEmpty ? 64 : 0)
}
for name in requested {
    guard let run = groups[name] else {
        FileHandle.standardError.write(
            Data("backline-bench: no benchmark group '\(name)' yet (have: \(groups.keys.sorted().joined(separator: ", ")))\n".utf8)
        )
        exit(1)
    }
    // The machine's load when the group starts, so every run's figures can be read in context.
    if let loadAverage = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8).split(separator: " ").first.flatMap({ Double($0) }) {
        BenchReporter(group: name).emit("load_average_1min_at_start", loadAverage, "runnable tasks")
    }
    try await run()
}
