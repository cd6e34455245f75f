import BacklineTestSupport
import Foundation
import Testing

/// A promoter vault with a trained model and one DP release in its ledger, made through the built
/// binary, and a federation statistics file in the analytics module's NoisedHistogram encoding.
final class ReportPromoterFixture: @unchecked Sendable {  // immutable after init; the directory is removed on deinit only
    let directory: TemporaryDirectory
    let vault: String
    let key: String
    let model: String
    let federationStats: String

    /// The shared fixture (built once, on first use).
    private static let sharedResult = Result { try ReportPromoterFixture() }
    static func shared() throws -> ReportPromoterFixture { try sharedResult.get() }

    init() throws {
        directory = try TemporaryDirectory(prefix: "backline-report-promoter")
        vault = directory.file("vault")
        key = directory.file("vault.kek")
        model = directory.file("model.safetensors")
        federationStats = directory.file("federation.json")
        try Self.expectSuccess(["data", "keygen", "--out", key])
        try Self.expectSuccess([
            "data", "generate", "--format", "vault", "--vault", vault, "--key-file", key, "--promoter", "0",
            "--promoters", "1", "--members", "500", "--artists", "200", "--seed", "5",
        ])
        try Self.expectSuccess([
            "model", "train", "--vault", vault, "--key-file", key, "--factors", "8", "--iterations", "4", "--out", model,
        ])
        try Self.expectSuccess([
            "analytics", "run", "--vault", vault, "--key-file", key, "--query", "no_show_by_genre", "--epsilon", "0.5",
            "--promoter", "promoter-<0>", "--budget-epsilon", "4",
        ])
        // rock: mean 0.1 (centre 0.5 + radius 0.5 × −720/900), well above its noise; pop: too noisy, suppressed.
        let stats: [[String: Any]] = [
            [
                "query": [
                    "name": "no_show_by_genre", "measure": "no_show", "segment": "artist_genre", "clamp": [0, 1], "max_cells_per_member": 3,
                ],
                "nodes": 3, "noise_std": 2.0,
                "cells": [["label": "rock", "count": 900, "normalised_sum": -720], ["label": "pop", "count": 1.5, "normalised_sum": 0]],
            ]
        ]
        try JSONSerialization.data(withJSONObject: stats).write(to: URL(fileURLWithPath: federationStats))
    }

    deinit { directory.remove() }

    static func expectSuccess(_ arguments: [String]) throws {
        let result = try BuiltBinary.run(arguments)
        guard result.status == 0 else {
            throw NSError(
                domain: "ReportPromoterFixture",
                code: Int(result.status),
                userInfo: [NSLocalizedDescriptionKey: "\(arguments.prefix(2)): \(result.standardError)"]
            )
        }
    }

    /// `report promoter` on the fixture, writing `out`, with `extra` options and `--json`.
    func run(out: String, _ extra: [String], command: [String] = ["report", "promoter"]) throws -> BuiltBinary.Result {
        try BuiltBinary.run(command + ["--vault", vault, "--key-file", key, "--out", out, "--json"] + extra)
    }
}
