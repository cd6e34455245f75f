import BacklineAnalytics
import Foundation

/// The body of `POST /v1/analytics/queries/{q}/histograms`: one node's noised histogram bound to
/// the query id and the node's name, with the privacy the node declares for it:
/// `{"query_id", "node", "epsilon", "delta", "noise_multiplier", "histogram": NoisedHistogram}`.
struct AnalyticsHistogramEnvelope: Sendable, Decodable {
    let queryID: Int64
    let node: String
    let epsilon: Double
    let delta: Double
    let noiseMultiplier: Double
    let histogram: NoisedHistogram

    /// Largest accepted body.
    static let maximumBytes = 256 * 1024

    enum CodingKeys: String, CodingKey {
        case node, epsilon, delta, histogram
        case queryID = "query_id"
        case noiseMultiplier = "noise_multiplier"
    }

    /// Why a histogram is refused: a stable API code, the HTTP status and a detail.
    struct Rejection: Error, Sendable {
        let status: Int
        let code: String
        let detail: String
    }

    /// Decodes `body`: 413 when too large, 400 `malformed_histogram` when not the documented JSON.
    init(decoding body: [UInt8]) throws(Rejection) {
        guard body.count <= Self.maximumBytes else {
            throw Rejection(status: 413, code: "too_large", detail: "a histogram body is at most \(Self.maximumBytes) bytes")
        }
        do { self = try JSONDecoder().decode(Self.self, from: Data(body)) } catch {
            throw Rejection(status: 400, code: "malformed_histogram", detail: "the body is not a histogram envelope (see the API table)")
        }
    }

    /// Checks the histogram against what the query demands: the same query definition (measure,
    /// segment, clamp, L) and cells, one node, finite values, and privacy at least as strong as
    /// demanded (ε and δ no larger, noise multiplier and noise std no smaller).
    func validate(against parameters: AnalyticsQueryParameters) -> Rejection? {
        let values =
            [epsilon, delta, noiseMultiplier, histogram.noiseStandardDeviation]
            + histogram.cells.flatMap { [$0.count, $0.normalisedSum] }
        guard values.allSatisfy(\.isFinite) else {
            return Rejection(status: 422, code: "non_finite", detail: "the histogram holds a NaN or infinite value")
        }
        guard histogram.query == parameters.query else {
            return Rejection(
                status: 422,
                code: "shape",
                detail: "the histogram answers another query definition than '\(parameters.query.name)'"
            )
        }
        guard histogram.cells.map(\.label) == parameters.query.segment.cells, histogram.nodes == 1 else {
            return Rejection(
                status: 422,
                code: "shape",
                detail: "the histogram must hold the query's \(parameters.query.segment.cells.count) cells from one node"
            )
        }
        let tolerance = 1 - 1e-9
        guard epsilon > 0, epsilon <= parameters.epsilon, delta > 0, delta <= parameters.delta,
            noiseMultiplier >= parameters.noiseMultiplier * tolerance,
            histogram.noiseStandardDeviation >= parameters.noiseStandardDeviation * tolerance
        else {
            return Rejection(
                status: 422,
                code: "privacy",
                detail:
                    "declared ε, δ, noise multiplier or noise std is weaker than the query's ε = \(parameters.epsilon), δ = \(parameters.delta), z = \(parameters.noiseMultiplier)"
            )
        }
        return nil
    }
}
