/// Parameters of a synthetic federation (see ``SyntheticFederation`` for the model).
public struct SyntheticConfiguration: Sendable, Equatable {
    /// Seed of every random draw: equal configurations give byte-identical output.
    public var seed: UInt64
    /// Number of promoters (one city each).
    public var promoters: Int
    /// Members per promoter.
    public var membersPerPromoter: Int
    /// Size of the shared artist catalogue.
    public var artists: Int
    /// Shows per promoter over the two years (0 = one per 50 members, between 20 and 5000).
    public var showsPerPromoter: Int
    /// Dimension of the hidden taste factors.
    public var factorDimension: Int
    /// Shows each member considers buying a ticket for.
    public var candidateShowsPerMember: Int
    /// Whether listening plays are generated.
    public var listening: Bool
    /// Zipf exponent of artist popularity.
    public var popularityExponent: Double

    /// A configuration; ``validate()`` checks the ranges.
    public init(
        seed: UInt64 = 1,
        promoters: Int = 5,
        membersPerPromoter: Int = 1000,
        artists: Int = 2000,
        showsPerPromoter: Int = 0,
        factorDimension: Int = 8,
        candidateShowsPerMember: Int = 30,
        listening: Bool = true,
        popularityExponent: Double = 1.1
    ) {
        self.seed = seed
        self.promoters = promoters
        self.membersPerPromoter = membersPerPromoter
        self.artists = artists
        self.showsPerPromoter = showsPerPromoter
        self.factorDimension = factorDimension
        self.candidateShowsPerMember = candidateShowsPerMember
        self.listening = listening
        self.popularityExponent = popularityExponent
    }

    /// Throws ``VaultError`` `invalidParameter` naming the first value out of range.
    public func validate() throws {
        func check(_ ok: Bool, _ text: String) throws { if !ok { throw VaultError.invalidParameter(text) } }
        try check((1...1000).contains(promoters), "promoters must be 1–1000, got \(promoters)")
        try check((1...1_000_000).contains(membersPerPromoter), "members per promoter must be 1–1000000, got \(membersPerPromoter)")
        try check((10...1_000_000).contains(artists), "artists must be 10–1000000, got \(artists)")
        try check((0...100_000).contains(showsPerPromoter), "shows per promoter must be 0–100000, got \(showsPerPromoter)")
        try check((1...64).contains(factorDimension), "factor dimension must be 1–64, got \(factorDimension)")
        try check((1...10_000).contains(candidateShowsPerMember), "candidate shows must be 1–10000, got \(candidateShowsPerMember)")
        try check(
            popularityExponent.isFinite && popularityExponent > 0 && popularityExponent < 4,
            "popularity exponent must be in (0, 4), got \(popularityExponent)"
        )
    }

    /// Shows per promoter after applying the default.
    var effectiveShows: Int { showsPerPromoter > 0 ? showsPerPromoter : min(5000, max(20, membersPerPromoter / 50)) }
}
