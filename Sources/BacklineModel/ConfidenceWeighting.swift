internal import Foundation

/// How an interaction's strength becomes confidence (Hu, Koren, Volinsky 2008): an observed
/// pair has preference 1 and confidence `1 + extra`, an unobserved pair preference 0 and
/// confidence 1. ``extraConfidence(for:)`` computes `extra` for every stored entry.
public struct ConfidenceWeighting: Sendable, Equatable, CustomStringConvertible {
    private enum Kind: String, Sendable { case linear, log, bm25 }
    private let kind: Kind
    /// Scale α of the extra confidence.
    public let alpha: Float
    /// ε of the log scaling (`α·log(1 + v/ε)`); unused otherwise.
    public let epsilon: Float
    /// BM25 saturation K1; unused otherwise.
    public let k1: Float
    /// BM25 length normalisation B; unused otherwise.
    public let b: Float

    /// `extra = α·v`.
    public static func linear(alpha: Float) -> Self { Self(kind: .linear, alpha: alpha, epsilon: 1, k1: 0, b: 0) }
    /// `extra = α·log(1 + v/ε)`.
    public static func log(alpha: Float, epsilon: Float = 1) -> Self { Self(kind: .log, alpha: alpha, epsilon: epsilon, k1: 0, b: 0) }
    /// BM25-style: `extra = α · idf(artist) · v(K1+1) / (v + K1(1 − B + B·len/avgLen))`, where
    /// `len` is the member's total strength and idf = log(members / (1 + artist's members)), floored at 0.
    public static func bm25(alpha: Float, k1: Float = 100, b: Float = 0.8) -> Self {
        Self(kind: .bm25, alpha: alpha, epsilon: 1, k1: k1, b: b)
    }

    /// Parses `linear:ALPHA`, `log:ALPHA[:EPSILON]` or `bm25:ALPHA[:K1[:B]]`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":").map(String.init)
        let numbers = parts.dropFirst().map { Float($0) }
        guard let name = parts.first, let kind = Kind(rawValue: name), numbers.allSatisfy({ $0 != nil }), !numbers.isEmpty else {
            throw ModelError.invalidArgument("weighting must be linear:ALPHA, log:ALPHA[:EPS] or bm25:ALPHA[:K1[:B]], got '\(text)'")
        }
        let values = numbers.map { $0! }
        switch kind {
        case .linear: self = .linear(alpha: values[0])
        case .log: self = .log(alpha: values[0], epsilon: values.count > 1 ? values[1] : 1)
        case .bm25: self = .bm25(alpha: values[0], k1: values.count > 1 ? values[1] : 100, b: values.count > 2 ? values[2] : 0.8)
        }
        try validate()
    }

    private init(kind: Kind, alpha: Float, epsilon: Float, k1: Float, b: Float) {
        self.kind = kind
        self.alpha = alpha
        self.epsilon = epsilon
        self.k1 = k1
        self.b = b
    }

    /// Throws `invalidArgument` for a non-positive or non-finite parameter.
    public func validate() throws {
        for (name, value) in [("alpha", alpha), ("epsilon", epsilon)] where !(value.isFinite && value > 0) {
            throw ModelError.invalidArgument("weighting \(name) must be finite and > 0, got \(value)")
        }
        if kind == .bm25, !(k1.isFinite && k1 > 0 && b.isFinite && b >= 0 && b <= 1) {
            throw ModelError.invalidArgument("bm25 needs K1 > 0 and 0 ≤ B ≤ 1, got \(k1), \(b)")
        }
    }

    /// `linear:α`, `log:α:ε` or `bm25:α:K1:B`, as parsed by ``init(parsing:)``.
    public var description: String {
        switch kind {
        case .linear: "linear:\(alpha)"
        case .log: "log:\(alpha):\(epsilon)"
        case .bm25: "bm25:\(alpha):\(k1):\(b)"
        }
    }

    /// The interaction matrix with every value replaced by its extra confidence `c − 1` (≥ 0).
    public func extraConfidence(for interactions: SparseMatrix) -> SparseMatrix {
        var values = interactions.values
        switch kind {
        case .linear:
            for index in values.indices { values[index] = alpha * values[index] }
        case .log:
            for index in values.indices { values[index] = alpha * Float(Foundation.log1p(Double(values[index] / epsilon))) }
        case .bm25:
            var documentFrequency = [Int](repeating: 0, count: interactions.columnCount)
            for column in interactions.columns { documentFrequency[Int(column)] += 1 }
            let rows = Double(max(interactions.rowCount, 1))
            let idf = documentFrequency.map { Swift.max(0, Foundation.log(rows / Double(1 + $0))) }
            var lengths = [Double](repeating: 0, count: interactions.rowCount)
            for row in 0..<interactions.rowCount {
                for index in interactions.rowOffsets[row]..<interactions.rowOffsets[row + 1] { lengths[row] += Double(values[index]) }
            }
            let average = Swift.max(lengths.reduce(0, +) / rows, 1e-12)
            for row in 0..<interactions.rowCount {
                let norm = Double(k1) * (1 - Double(b) + Double(b) * lengths[row] / average)
                for index in interactions.rowOffsets[row]..<interactions.rowOffsets[row + 1] {
                    let value = Double(values[index])
                    let weight = value * (Double(k1) + 1) / (norm + value) * idf[Int(interactions.columns[index])]
                    values[index] = alpha * Float(weight)
                }
            }
        }
        return SparseMatrix(
            unchecked: interactions.rowCount,
            columnCount: interactions.columnCount,
            rowOffsets: interactions.rowOffsets,
            columns: interactions.columns,
            values: values
        )
    }
}
