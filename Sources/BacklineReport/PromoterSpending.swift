import BacklinePrivacy
import Foundation

/// One promoter's cumulative privacy loss, recomputed from its ledger lines by composing their Rényi
/// DP at the lines' δ (as the promoter's own ledger does); when a line's mechanism parameters cannot
/// be read, by basic composition instead: (Σε, Σδ), a valid but looser statement.
public struct PromoterSpending: Sendable, Equatable {
    /// The promoter.
    public let promoter: String
    /// Releases charged.
    public let releases: Int
    /// Cumulative ε.
    public let epsilon: Double
    /// The δ it is stated at: the largest δ of the lines (10⁻⁵ when all are 0) under RDP
    /// composition, the sum of the lines' δ under basic composition.
    public let delta: Double
    /// Whether ``epsilon`` is the RDP composition (true) or the basic-composition sum (false).
    public let composedByRDP: Bool

    /// The spending of every promoter in `lines`, sorted by promoter.
    public static func from(_ lines: [LedgerLine]) -> [PromoterSpending] {
        Dictionary(grouping: lines, by: \.promoter).map { promoter, lines in
            let delta = lines.map(\.delta).max().flatMap { $0 > 0 ? $0 : nil } ?? 1e-5
            var accountant = RDPAccountant()
            var composed = true
            for line in lines {
                guard let parameters = mechanismParameters(line.parameters), (try? accountant.compose(parameters)) != nil else {
                    composed = false
                    break
                }
            }
            if composed, let loss = try? accountant.loss(delta: delta), loss.epsilon.isFinite {
                return PromoterSpending(promoter: promoter, releases: lines.count, epsilon: loss.epsilon, delta: delta, composedByRDP: true)
            }
            return PromoterSpending(
                promoter: promoter,
                releases: lines.count,
                epsilon: lines.reduce(0.0) { $0 + $1.epsilon },
                delta: min(1, lines.reduce(0.0) { $0 + $1.delta }),
                composedByRDP: false
            )
        }.sorted { $0.promoter < $1.promoter }
    }

    /// The Gaussian mechanism's parameters from a ledger line's JSON (`noise_multiplier`, and
    /// optionally `sampling_rate` and `steps`), or nil.
    static func mechanismParameters(_ json: String) -> MechanismParameters? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let sigma = (object["noise_multiplier"] as? NSNumber)?.doubleValue
        else { return nil }
        let rate = (object["sampling_rate"] as? NSNumber)?.doubleValue ?? 1
        let steps = (object["steps"] as? NSNumber)?.intValue ?? 1
        return try? MechanismParameters(noiseMultiplier: sigma, samplingRate: rate, steps: steps).validated()
    }
}
