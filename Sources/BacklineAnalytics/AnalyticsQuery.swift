public import Foundation

/// A histogram query: a measure, split by a segment, with the bounds that make it private.
///
/// JSON form (``decode(_:)``):
/// `{"name": "dwell_by_genre", "measure": "dwell", "segment": "artist_genre",
///   "clamp": [0, 360], "max_cells_per_member": 4}`.
///
/// Contribution bounding (what the sensitivity rests on): each member contributes to at most
/// ``maxCellsPerMember`` cells (chosen pseudo-randomly by a hash of member id, query and cell, so
/// no cell is favoured), once per cell: a count of 1 and the mean of their values in that cell,
/// each value first clamped to ``clamp``. A member with 500 visits therefore counts at most L
/// times in the whole histogram.
public struct AnalyticsQuery: Hashable, Sendable, Codable {
    /// The query's name: 1–64 of `a-z 0-9 _` (it labels the ledger entry).
    public let name: String
    /// What is measured.
    public let measure: AnalyticsMeasure
    /// How events are split into cells.
    public let segment: AnalyticsSegment
    /// Lower bound every value is clamped to.
    public let lower: Double
    /// Upper bound every value is clamped to.
    public let upper: Double
    /// L: the most cells one member contributes to.
    public let maxCellsPerMember: Int

    /// Largest accepted L.
    public static let maximumCellsPerMember = 64
    /// Largest accepted |bound| of the clamp range.
    public static let maximumMagnitude = 1e9

    /// A query; the fields are checked.
    /// - Throws: `invalid_query` naming the first bad field.
    public init(
        name: String,
        measure: AnalyticsMeasure,
        segment: AnalyticsSegment,
        clamp: ClosedRange<Double>? = nil,
        maxCellsPerMember: Int
    ) throws {
        let clamp = clamp ?? measure.defaultClamp
        let wellFormed =
            (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        guard wellFormed else {
            throw AnalyticsError.invalidQuery("name", String(reflecting: String(name.prefix(64))), expected: "1–64 of a-z, 0-9, _")
        }
        guard clamp.lowerBound.isFinite, clamp.upperBound.isFinite, clamp.lowerBound < clamp.upperBound,
            clamp.lowerBound.magnitude <= Self.maximumMagnitude, clamp.upperBound.magnitude <= Self.maximumMagnitude
        else {
            throw AnalyticsError.invalidQuery(
                "clamp",
                "[\(clamp.lowerBound), \(clamp.upperBound)]",
                expected: "finite lower < upper, each within ±\(Self.maximumMagnitude)"
            )
        }
        guard (1...Self.maximumCellsPerMember).contains(maxCellsPerMember) else {
            throw AnalyticsError.invalidQuery(
                "max_cells_per_member",
                maxCellsPerMember,
                expected: "1...\(Self.maximumCellsPerMember)"
            )
        }
        self.name = name
        self.measure = measure
        self.segment = segment
        self.lower = clamp.lowerBound
        self.upper = clamp.upperBound
        self.maxCellsPerMember = maxCellsPerMember
    }

    /// The clamp range.
    public var clamp: ClosedRange<Double> { lower...upper }
    /// The centre of the clamp range: sums are released centred on it.
    public var centre: Double { (lower + upper) / 2 }
    /// Half the clamp range: the largest |value − centre| a member can contribute to one cell.
    public var radius: Double { (upper - lower) / 2 }

    /// Largest accepted JSON definition, in bytes.
    public static let maximumDefinitionBytes = 4096

    /// A query from its JSON definition.
    /// - Throws: `invalid_query` for oversized or malformed JSON, `unknown_name` for an unknown
    ///   measure or segment, and the field checks of ``init(name:measure:segment:clamp:maxCellsPerMember:)``.
    public static func decode(_ data: Data) throws -> AnalyticsQuery {
        guard data.count <= maximumDefinitionBytes else {
            throw AnalyticsError.invalidQuery("definition size", data.count, expected: "at most \(maximumDefinitionBytes) bytes")
        }
        do {
            return try JSONDecoder().decode(AnalyticsQuery.self, from: data)
        } catch let error as AnalyticsError {
            throw error
        } catch {
            throw AnalyticsError.invalidQuery(
                "definition",
                "unreadable JSON",
                expected: "{\"name\", \"measure\", \"segment\", \"clamp\": [lower, upper], \"max_cells_per_member\"}"
            )
        }
    }

    private enum CodingKeys: String, CodingKey {
        case name, measure, segment, clamp
        case maxCellsPerMember = "max_cells_per_member"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let measure = try container.decode(AnalyticsMeasure.self, forKey: .measure)
        let bounds = try container.decodeIfPresent([Double].self, forKey: .clamp)
        var clamp: ClosedRange<Double>?
        if let bounds {
            guard bounds.count == 2, bounds[0].isFinite, bounds[1].isFinite, bounds[0] < bounds[1] else {
                throw AnalyticsError.invalidQuery("clamp", "\(bounds)", expected: "[lower, upper], finite, lower < upper")
            }
            clamp = bounds[0]...bounds[1]
        }
        try self.init(
            name: try container.decode(String.self, forKey: .name),
            measure: measure,
            segment: try container.decode(AnalyticsSegment.self, forKey: .segment),
            clamp: clamp,
            maxCellsPerMember: try container.decode(Int.self, forKey: .maxCellsPerMember)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(measure, forKey: .measure)
        try container.encode(segment, forKey: .segment)
        try container.encode([lower, upper], forKey: .clamp)
        try container.encode(maxCellsPerMember, forKey: .maxCellsPerMember)
    }
}
