internal import BacklineAnalytics
internal import BacklineModel
internal import BacklinePrivacy
internal import BacklineReport
internal import BacklineVault
import Foundation

/// `backline report promoter`: the promoter's own report, computed on its node from its vault.
struct ReportPromoterCommand: Command {
    let name = "promoter"
    let abstract = "The promoter's report: model, audience segments, behaviour against the federation, privacy spending"
    var options: [OptionSpec] {
        vaultOptions + [
            .value("model", "FILE", "The model file trained on this vault (adds model facts and audience segments)"),
            .value("federation-stats", "FILE", "The federation's published histograms: a JSON array of noised histograms"),
            .value("k-max", "N", "Largest number of segments tried (2…16, default 8)"),
            .value("seed", "N", "Seed of the segment clustering (default 1)"),
            .value("out", "FILE", "Where to write the HTML report (mode 0600: it holds exact local statistics)"),
        ]
    }
    var discussion: String {
        "Everything is computed locally; the report holds exact figures and is written owner-only.\nBehaviour uses every built-in analytics query ('backline analytics list')."
    }

    /// Words that mark a model-file entry as a quality figure.
    static let qualityWords = ["ndcg", "recall", "precision", "auc", "map", "hit", "quality"]

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let out = try arguments.required("out")
        let kMax = try arguments.integer("k-max", default: 8, in: 2...16)
        let seed = UInt64(try arguments.integer("seed", default: 1, in: 0...Int.max))
        let federation: [NoisedHistogram] =
            try arguments.value("federation-stats").map { path in
                try StrictJSON.decode([NoisedHistogram].self, from: try readReportInput(path, option: "federation-stats"), document: path)
            } ?? []

        let factory = try openVaultStreams(arguments, create: false)
        let ledger = try VaultLedgerPersistence(factory: factory).load()
        var model: PromoterReport.ModelFacts?
        var segments: PromoterReport.Segments?
        let engine: AnalyticsEngine
        if arguments.value("model") != nil {
            let session = try NodeModelSession(arguments)
            engine = try AnalyticsEngine(session.data)
            let extra = session.archive.extra.sorted { $0.key < $1.key }
            let quality = extra.compactMap { key, value -> (name: String, value: Double)? in
                guard Self.qualityWords.contains(where: key.lowercased().contains), let number = Double(value), number.isFinite else {
                    return nil
                }
                return (key, number)
            }
            model = .init(
                factors: session.archive.factors,
                artists: session.archive.artists.count,
                members: session.members.rows,
                quality: quality,
                details: extra.filter { key, _ in !quality.contains { $0.name == key } }.map { ($0.key, $0.value) }
            )
            let vectors = (0..<session.members.rows).map(session.members.row)
            if vectors.count >= 3 {
                let clustering = try AudienceClustering(vectors, kRange: 2...min(kMax, vectors.count), seed: seed)
                segments = .init(
                    clustering: clustering,
                    profiles: try engine.describe(memberIDs: session.view.memberIDs, assignments: clustering.assignments)
                )
            }
        } else {
            engine = try AnalyticsEngine(try VaultData.load(from: factory))
        }
        let exact = AnalyticsQuery.builtIn.map(engine.exact)
        let behaviour = BehaviourComparison(exact: exact, federation: federation)
        let report = PromoterReport(
            promoter: ledger?.promoter ?? "local",
            generatedAt: ISO8601DateFormatter().string(from: Date()),
            ledger: ledger,
            model: model,
            segments: segments,
            behaviour: behaviour,
            federationGiven: !federation.isEmpty
        )
        return try writeReport(
            report.document,
            to: out,
            mode: 0o600,
            details: [
                "segments": segments?.profiles.count ?? 0, "behaviour_rows": behaviour.rows.count,
                "federation_cells": behaviour.rows.filter { $0.federation != nil }.count, "ledger_entries": ledger?.entries.count ?? 0,
            ],
            context
        )
    }
}
