/// How a query splits its events into cells, over a fixed, public list of cell labels.
///
/// The labels never depend on the data (a DP histogram must not reveal which cells exist), so
/// values outside the list fall into `other`, and missing ones into `unknown`:
/// - `age_band`: `<25`, `25-34`, `35-44`, `45-54`, `55-64`, `65+`, `unknown`: the member's
///   `age_band` if it is one of these labels, else the age in the show's year from `birth_year`.
/// - `gender`: `f`, `m`, `x`, `unknown` (`female`/`woman` count as `f`, `male`/`man` as `m`, any
///   other value as `x`).
/// - `interest_genre`: the member's declared interests (several cells per event) over the
///   twelve catalogue genres of ``genres``, `other`, `unknown` (none declared).
/// - `artist_genre`: the headliner's genres (several cells per event), same labels.
/// - `venue_size`: by the show's capacity: `bar` ≤ 150, `club` ≤ 500, `hall` ≤ 1 500,
///   `academy` ≤ 4 000, `arena` above, `unknown`.
/// - `weekday`: `mon` … `sun` of the show's start in UTC (the vault stores no time zone).
/// - `all`: one cell, `all`.
public struct AnalyticsSegment: Hashable, Sendable, Codable, CustomStringConvertible {
    enum Kind: String, CaseIterable, Sendable {
        case all
        case ageBand = "age_band"
        case gender
        case interestGenre = "interest_genre"
        case artistGenre = "artist_genre"
        case venueSize = "venue_size"
        case weekday
    }

    let kind: Kind

    /// The genre labels of the shared catalogue (those of the synthetic generator).
    public static let genres = [
        "rock", "pop", "hip-hop", "electronic", "jazz", "classical", "metal", "folk", "indie", "r&b", "country", "punk",
    ]
    /// Age band labels, youngest first (without `unknown`).
    public static let ageBands = ["<25", "25-34", "35-44", "45-54", "55-64", "65+"]
    /// Venue size labels, smallest first, with their largest capacity (the last is unbounded).
    public static let venueSizes: [(label: String, maximumCapacity: Int64)] = [
        ("bar", 150), ("club", 500), ("hall", 1500), ("academy", 4000), ("arena", .max),
    ]
    /// Weekday labels, Monday first.
    public static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// The stable name (`age_band`, `weekday`…).
    public var name: String { kind.rawValue }
    public var description: String { name }

    /// One cell for everything.
    public static let all = Self(kind: .all)
    /// The member's age band at the show.
    public static let ageBand = Self(kind: .ageBand)
    /// The member's gender.
    public static let gender = Self(kind: .gender)
    /// The member's declared interest genres.
    public static let interestGenre = Self(kind: .interestGenre)
    /// The headliner's genres.
    public static let artistGenre = Self(kind: .artistGenre)
    /// The venue's size band.
    public static let venueSize = Self(kind: .venueSize)
    /// The show's weekday (UTC).
    public static let weekday = Self(kind: .weekday)

    /// Every segment.
    public static let every: [Self] = Kind.allCases.map { Self(kind: $0) }

    /// The segment called `name`.
    /// - Throws: `unknown_name`.
    public init(named name: String) throws {
        guard let kind = Kind(rawValue: name) else {
            throw AnalyticsError.unknownName("segment", name, known: Kind.allCases.map(\.rawValue))
        }
        self.kind = kind
    }

    init(kind: Kind) { self.kind = kind }

    /// The cell labels, in output order; fixed for the segment, whatever the data.
    public var cells: [String] {
        switch kind {
        case .all: ["all"]
        case .ageBand: Self.ageBands + ["unknown"]
        case .gender: ["f", "m", "x", "unknown"]
        case .interestGenre, .artistGenre: Self.genres + ["other", "unknown"]
        case .venueSize: Self.venueSizes.map(\.label) + ["unknown"]
        case .weekday: Self.weekdays
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
