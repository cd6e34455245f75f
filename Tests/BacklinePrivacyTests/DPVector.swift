import Foundation

/// One row of `Tests/Vectors/privacy/dp_vectors.tsv` (values from Google's dp_accounting 0.6.0).
struct DPVector: Sendable, CustomStringConvertible {
    let sigma: Double
    let samplingRate: Double
    let steps: Int
    let delta: Double
    let epsilonRDP: Double
    let epsilonPLD: Double

    var description: String { "σ=\(sigma) q=\(samplingRate) steps=\(steps) δ=\(delta)" }

    /// Where dp_accounting is known to report more than a full-grid RDP accountant (README of the
    /// vectors: it drops orders 1.1–1.6 when q = 0.1 and σ ≤ 1), so ours may be lower there.
    var mayBeBelowReference: Bool { samplingRate == 0.1 && sigma <= 1 }

    /// Every row of the checked-in TSV.
    static let all: [DPVector] = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors/privacy/dp_vectors.tsv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 6, let sigma = Double(fields[0]), let q = Double(fields[1]),
                let steps = Int(fields[2]),
                let delta = Double(fields[3]), let rdp = Double(fields[4]), let pld = Double(fields[5])
            else { return nil }
            return DPVector(sigma: sigma, samplingRate: q, steps: steps, delta: delta, epsilonRDP: rdp, epsilonPLD: pld)
        }
    }()
}
