public import BacklineAnalytics
import BacklinePrivacy
import Foundation

/// What a federated analytics query demands of every histogram: the query definition and the
/// privacy of one node's release. Stored as the query's `params_json`.
///
/// The noise a node must add follows from (ε, δ): the smallest noise multiplier z the RDP accountant
/// finds for one unsampled Gaussian release, so every histogram's noise std must be at least
/// z·√(2L) (``HistogramMechanism``).
public struct AnalyticsQueryParameters: Sendable, Hashable, Codable {
    /// The query every node answers.
    public let query: AnalyticsQuery
    /// ε of each node's release (the most a node may declare).
    public let epsilon: Double
    /// δ of each node's release (the most a node may declare).
    public let delta: Double
    /// The noise multiplier (ε, δ) requires.
    public let noiseMultiplier: Double
    /// The smallest noise std a histogram may declare.
    public let noiseStandardDeviation: Double
    /// Promoters expected to answer: once all have, the query closes early (empty: only the
    /// deadline or the operator closes it).
    public let expected: [String]

    /// Largest number of expected promoters.
    public static let maximumExpected = 1000

    /// Parameters for `query` at (ε, δ).
    /// - Throws: ``AggregatorError`` `invalid_configuration` naming the field at fault.
    public init(query: AnalyticsQuery, epsilon: Double, delta: Double, expected: [String] = []) throws {
        guard epsilon.isFinite, (1e-3...100).contains(epsilon) else {
            throw AggregatorError.invalidConfiguration("epsilon", "must be a finite number in 0.001…100, got \(epsilon)")
        }
        guard delta.isFinite, (1e-15...0.1).contains(delta) else {
            throw AggregatorError.invalidConfiguration("delta", "must be a finite number in 1e-15…0.1, got \(delta)")
        }
        guard expected.count <= Self.maximumExpected, Set(expected).count == expected.count,
            expected.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 })
        else {
            throw AggregatorError.invalidConfiguration("expected", "must list at most \(Self.maximumExpected) distinct promoter names")
        }
        let mechanism: HistogramMechanism
        do { mechanism = try HistogramMechanism(query: query, epsilon: epsilon, delta: delta) } catch {
            throw AggregatorError.invalidConfiguration(
                "epsilon",
                "no Gaussian noise reaches ε = \(epsilon) at δ = \(delta)",
                underlying: error
            )
        }
        self.query = query
        self.epsilon = epsilon
        self.delta = delta
        self.noiseMultiplier = mechanism.noiseMultiplier
        self.noiseStandardDeviation = mechanism.noiseMultiplier * mechanism.sensitivity
        self.expected = expected
    }

    enum CodingKeys: String, CodingKey {
        case query, epsilon, delta, expected
        case noiseMultiplier = "noise_multiplier"
        case noiseStandardDeviation = "noise_std"
    }

    /// The JSON text stored with the query.
    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes stored JSON text.
    static func decode(_ text: String, query id: Int64) throws -> AnalyticsQueryParameters {
        do { return try JSONDecoder().decode(Self.self, from: Data(text.utf8)) } catch {
            throw AggregatorError.malformedTensor("analytics query \(id)", "its stored parameters do not decode")
        }
    }
}
