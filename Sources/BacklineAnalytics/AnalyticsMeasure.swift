/// What a query measures for one event (a member's ticket for a show, or their visit).
///
/// Ticket measures (`attendance`, `no_show`, `lead_time`) have one event per (member, show) with
/// a ticket; visit measures (`arrival_offset`, `departure_offset`, `dwell`, `merch_spend`,
/// `repeat_6m`, `repeat_12m`) one per attended (member, show). Times are minutes relative to the
/// show's start (negative: before it), lead time is days, spend is the vault's currency.
///
/// Repeat attendance is censored: a visit counts only if the whole window after it lies before
/// the last show start in the vault, so visits near the end of the data do not read as lapses.
public struct AnalyticsMeasure: Hashable, Sendable, Codable, CustomStringConvertible {
    enum Kind: String, CaseIterable, Sendable {
        case attendance
        case noShow = "no_show"
        case arrivalOffset = "arrival_offset"
        case departureOffset = "departure_offset"
        case dwell
        case merchSpend = "merch_spend"
        case repeat6m = "repeat_6m"
        case repeat12m = "repeat_12m"
        case leadTime = "lead_time"
    }

    let kind: Kind

    /// The stable name (`dwell`, `no_show`…).
    public var name: String { kind.rawValue }
    public var description: String { name }

    /// 1 for a ticket whose holder was scanned in, else 0 (per ticket-holding member and show).
    public static let attendance = Self(kind: .attendance)
    /// 1 for a ticket whose holder never scanned in, else 0.
    public static let noShow = Self(kind: .noShow)
    /// Minutes from the show's start to the scan-in (negative: arrived before the start).
    public static let arrivalOffset = Self(kind: .arrivalOffset)
    /// Minutes from the show's start to the scan-out (visits with a scan-out only).
    public static let departureOffset = Self(kind: .departureOffset)
    /// Minutes between scan-in and scan-out (visits with a scan-out only).
    public static let dwell = Self(kind: .dwell)
    /// Merchandise spend during the visit (0 when none was recorded).
    public static let merchSpend = Self(kind: .merchSpend)
    /// 1 if the member attended another show within 183 days after this visit, else 0.
    public static let repeat6m = Self(kind: .repeat6m)
    /// 1 if the member attended another show within 365 days after this visit, else 0.
    public static let repeat12m = Self(kind: .repeat12m)
    /// Days from the (first) ticket purchase to the show's start.
    public static let leadTime = Self(kind: .leadTime)

    /// Every measure.
    public static let all: [Self] = Kind.allCases.map { Self(kind: $0) }

    /// The measure called `name`.
    /// - Throws: `unknown_name`.
    public init(named name: String) throws {
        guard let kind = Kind(rawValue: name) else {
            throw AnalyticsError.unknownName("measure", name, known: Kind.allCases.map(\.rawValue))
        }
        self.kind = kind
    }

    init(kind: Kind) { self.kind = kind }

    /// Whether the measure is defined on attended visits only (not on every ticket).
    public var needsVisit: Bool {
        switch kind {
        case .attendance, .noShow, .leadTime: false
        default: true
        }
    }

    /// The documented clamp range built-in queries use for this measure.
    public var defaultClamp: ClosedRange<Double> {
        switch kind {
        case .attendance, .noShow, .repeat6m, .repeat12m: 0...1
        case .arrivalOffset: -180...60
        case .departureOffset: -60...300
        case .dwell: 0...360
        case .merchSpend: 0...100
        case .leadTime: 0...180
        }
    }

    /// Unit of the values, for display.
    public var unit: String {
        switch kind {
        case .attendance, .noShow, .repeat6m, .repeat12m: "rate"
        case .arrivalOffset, .departureOffset, .dwell: "minutes"
        case .merchSpend: "currency"
        case .leadTime: "days"
        }
    }

    public init(from decoder: any Decoder) throws {
        try self.init(named: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
