internal import BacklineVault
import Foundation

/// `backline data generate`: a deterministic synthetic federation.
struct DataGenerateCommand: Command {
    let name = "generate"
    let abstract = "Generate a deterministic synthetic federation (CSV files or straight into a vault)"
    var options: [OptionSpec] {
        vaultOptions + [
            .value("seed", "N", "Seed (default 1); equal seeds give identical bytes"),
            .value("promoters", "N", "Promoters, one city each (default 5)"),
            .value("members", "M", "Members per promoter (default 1000, up to 1000000)"),
            .value("artists", "A", "Shared artist catalogue size (default 2000)"),
            .value("shows", "S", "Shows per promoter (default: members/50, 20–5000)"),
            .flag("no-listening", "Leave out listening plays"),
            .value("format", "FORMAT", "csv (default, needs --out) or vault (needs --vault and --promoter)"),
            .value("out", "DIR", "Output directory for CSV: DIR/promoter-K/<table>.csv"),
            .value("promoter", "K", "Promoter to write into the vault (format vault)"),
        ]
    }
    var discussion: String { "The generative model is documented in Sources/BacklineVault/SyntheticFederation.swift." }

    struct Report: Encodable {
        let format: String
        let seed: UInt64
        let promoters: [Int]
        let rows: [String: Int]
        let seconds: Double
    }

    /// Counts rows per table on their way to another sink.
    struct CountingSink<Inner: SyntheticSink>: SyntheticSink {
        var inner: Inner
        var counts: [String: Int] = [:]
        mutating func add(_ table: TableSchema, _ values: [SyntheticValue]) throws {
            counts[table.name, default: 0] += 1
            try inner.add(table, values)
        }
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let configuration = SyntheticConfiguration(
            seed: UInt64(try arguments.integer("seed", default: 1, in: 0...Int.max)),
            promoters: try arguments.integer("promoters", default: 5, in: 1...1000),
            membersPerPromoter: try arguments.integer("members", default: 1000, in: 1...1_000_000),
            artists: try arguments.integer("artists", default: 2000, in: 10...1_000_000),
            showsPerPromoter: try arguments.integer("shows", default: 0, in: 0...100_000),
            listening: !arguments.flag("no-listening")
        )
        let federation = try SyntheticFederation(configuration)
        let started = Date()
        let format = arguments.value("format") ?? "csv"
        var rows: [String: Int] = [:]
        var written: [Int] = []
        let note = context.note
        switch format {
        case "csv":
            let out = try arguments.required("out")
            for promoter in 0..<configuration.promoters {
                let directory = out + "/promoter-\(promoter)"
                try FileManager.default.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
                let files = CSVSyntheticSink(directory: directory)
                var sink = CountingSink(inner: files)
                try federation.generate(promoter: promoter, into: &sink) { note("generate: promoter \(promoter): \($0) members") }
                try files.finish()
                rows.merge(sink.counts, uniquingKeysWith: +)
                written.append(promoter)
            }
        case "vault":
            let promoter = try arguments.integer("promoter", in: 0...(configuration.promoters - 1))
            let factory = try openVaultStreams(arguments, create: true)
            if try VaultData.readManifest(from: factory) != nil {
                throw UsageError("the vault already holds data; generate into a new vault")
            }
            var sink = CountingSink(inner: VaultSyntheticSink())
            try federation.generate(promoter: promoter, into: &sink) { note("generate: promoter \(promoter): \($0) members") }
            var data = sink.inner.data
            try data.commit(to: factory)
            rows = sink.counts
            written = [promoter]
        default:
            throw UsageError("--format must be csv or vault, got '\(format)'")
        }
        let report = Report(
            format: format,
            seed: configuration.seed,
            promoters: written,
            rows: rows,
            seconds: Date().timeIntervalSince(started)
        )
        try context.report(report) {
            "generated \(written.count) promoter(s) (\(format)) in \(String(format: "%.1f", report.seconds)) s: "
                + rows.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        return 0
    }
}
