internal import BacklineCore

#if canImport(Glibc)
import Glibc
#endif

/// A deterministic synthetic federation of promoters, with its hidden truth.
///
/// # Generative model (what evaluations measure against)
///
/// Everything is drawn from ``SeededGenerator`` streams derived from the seed: the catalogue
/// from one stream, each promoter's city from its own stream, each member from a stream of
/// (promoter, member), so any member can be regenerated alone (``member(promoter:index:)``).
///
/// - **Genres** (12: rock, pop, hip-hop, electronic, jazz, classical, metal, folk, indie, r&b,
///   country, punk) each have a centroid `c_g ~ N(0, I_d)` in a `d`-dimensional taste space, a
///   typical audience age, a typical arrival time and a merchandise propensity.
/// - **Artists** (shared ids `1…A`): a primary genre (uniform), a secondary genre with
///   probability 0.4, a factor `v_a = c_g + 0.6·ε`, and Zipf popularity `w_a = rank_a^(−s)`
///   (ranks a random permutation, `s` = ``SyntheticConfiguration/popularityExponent``).
/// - **Promoters** (one city each) have a genre mix `m_g ∝ exp(1.5·z_g)`, `z ~ N(0, 1)`: this is
///   what makes the federation non-IID. Five venues (bar 120, club 250, hall 900, academy 2 500,
///   arena 8 000 seats). Shows over 2025–2026 (730 days): headliner drawn ∝ `w_a·m_genre(a)`,
///   a support act with probability 0.3, the venue by the headliner's popularity rank
///   (top 2 % arena, 10 % academy, 30 % hall, else club or bar), start 19:00–21:00 UTC, price
///   by venue.
/// - **Members**: gender (f 48 %, m 48 %, x 4 %), favourite genre `g ~ m`, age
///   `~ N(age_g, 9)` clamped to 16–85 (birth year = 2026 − age), region, declared interests
///   (the favourite genre plus each other genre with probability `0.5·m_g`), taste
///   `u = 0.8·c_g + 0.7·ε`, activity `b ~ N(0, 0.5)`.
/// - **Tickets**: each member considers ``SyntheticConfiguration/candidateShowsPerMember``
///   shows drawn uniformly from the promoter's shows and buys with the *true purchase
///   probability* `p = σ(u·v_h/√d + b + 0.35·ln w_h + 0.8·[genre(h) ∈ interests]
///   − 0.5·((age − age_genre(h))/15)² − 2.5)` for headliner `h` (``purchaseProbability(promoter:member:show:)``),
///   while the show has seats left; quantity 1 (70 %), 2 (25 %), 3–4 (5 %); bought
///   `Exp(25 days)` before the show; price = venue price × quantity.
/// - **Attendance**: a ticket is used with probability 0.92, minus 0.08 under 25 and 0.05 when
///   bought more than 60 days ahead (no-shows otherwise); arrival `arrival_genre + N(0, 15)`
///   minutes before the start (+0.4 min per year of age over 35); departure 150 min after the
///   start minus `Exp(10 + 0.8·max(0, age − 40))` minutes, at least 10 min after arrival;
///   merchandise bought with probability `merch_genre` (×1.2 under 30), amount
///   `exp(N(ln 25, 0.5))` pounds (×1.3 for metal and punk).
/// - **Listening** (optional): each member aims at `5 + exp(N(2.3, 0.6))` artists (≤ 60),
///   proposing artists ∝ `w_a` and accepting with `σ(1.2·u·v/√d + 0.5·[interest] − 1)`;
///   plays `max(1, exp(N(3 + 0.5·u·v/√d, 1.2)))`.
///
/// Ids: members `promoter·10 000 000 + index + 1`, shows `promoter·1 000 000 + index + 1`,
/// artists `1…A`, so promoters' ids never collide.
public struct SyntheticFederation: Sendable {
    /// One artist of the shared catalogue, with its hidden factor.
    public struct Artist: Sendable {
        /// Artist id (1-based).
        public let id: Int64
        /// Display name.
        public let name: String
        /// Genre indices (primary first) into ``SyntheticFederation/genres``.
        public let genres: [Int]
        /// Hidden taste factor.
        public let factor: [Double]
        /// Zipf popularity weight (1 for the most popular).
        public let popularity: Double
        /// Popularity rank (1 = most popular).
        public let rank: Int
    }

    /// One show of a promoter.
    public struct Show: Sendable {
        /// Show id.
        public let id: Int64
        /// Artist indices (headliner first) into ``SyntheticFederation/artists``.
        public let artists: [Int]
        /// Venue index into ``SyntheticFederation/venues``.
        public let venue: Int
        /// Start, seconds since 1970 UTC.
        public let start: Int64
        /// Ticket price in cents.
        public let priceCents: Int64
    }

    /// One promoter: a city, its genre mix and its shows.
    public struct Promoter: Sendable {
        /// City name.
        public let city: String
        /// Genre mix (sums to 1), the source of non-IID data.
        public let genreMix: [Double]
        /// Shows over the two years.
        public let shows: [Show]
    }

    /// A member's hidden profile.
    public struct Member: Sendable {
        /// Member id.
        public let id: Int64
        /// Birth year.
        public let birthYear: Int64
        /// Age in 2026.
        public let age: Int
        /// `f`, `m` or `x`.
        public let gender: String
        /// Region of the city.
        public let region: String
        /// Favourite genre index.
        public let favouriteGenre: Int
        /// Declared interest genre indices.
        public let interests: [Int]
        /// Hidden taste factor.
        public let factor: [Double]
        /// Hidden activity bias.
        public let activity: Double
    }

    /// Genre names.
    public static let genres = [
        "rock", "pop", "hip-hop", "electronic", "jazz", "classical", "metal", "folk", "indie", "r&b", "country", "punk",
    ]
    static let genreAge: [Double] = [38, 26, 24, 28, 47, 55, 33, 42, 30, 29, 44, 31]
    static let genreArrival: [Double] = [30, 40, 10, -30, 20, 25, 50, 25, 30, 15, 35, 45]
    static let genreMerch: [Double] = [0.3, 0.35, 0.25, 0.15, 0.1, 0.05, 0.5, 0.2, 0.3, 0.2, 0.25, 0.45]
    /// Venue kinds: name suffix, capacity, price in cents, price band.
    public static let venues: [(name: String, capacity: Int64, priceCents: Int64, band: String)] = [
        ("Bar", 120, 1000, "low"), ("Club", 250, 1800, "low"), ("Hall", 900, 3000, "mid"), ("Academy", 2500, 4500, "high"),
        ("Arena", 8000, 7500, "premium"),
    ]
    static let cities = [
        "Manchester", "Glasgow", "Bristol", "Leeds", "Cardiff", "Belfast", "Brighton", "Newcastle", "Nottingham", "Liverpool", "Sheffield",
        "Edinburgh",
    ]
    static let regions = ["north", "south", "east", "west", "centre"]
    /// 2025-01-01T00:00:00Z.
    static let epoch: Int64 = 1_735_689_600
    static let referenceYear = 2026

    /// The configuration.
    public let configuration: SyntheticConfiguration
    /// Genre centroids in taste space.
    public let genreCentroids: [[Double]]
    /// The shared catalogue.
    public let artists: [Artist]
    /// The promoters.
    public let promoters: [Promoter]
    private let popularitySampler: WeightedSampler

    /// Draws the catalogue and the promoters (members are drawn lazily).
    public init(_ configuration: SyntheticConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        let d = configuration.factorDimension
        var random = SeededGenerator(seed: configuration.seed, stream: 1)
        let centroids = Self.genres.map { _ in (0..<d).map { _ in random.nextGaussian() } }
        genreCentroids = centroids
        var ranks = Array(1...configuration.artists)
        for index in stride(from: ranks.count - 1, to: 0, by: -1) {
            ranks.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        var artists: [Artist] = []
        artists.reserveCapacity(configuration.artists)
        for index in 0..<configuration.artists {
            let primary = Int(random.next() % UInt64(Self.genres.count))
            var genres = [primary]
            if random.nextUnitDouble() < 0.4 {
                let secondary = Int(random.next() % UInt64(Self.genres.count))
                if secondary != primary { genres.append(secondary) }
            }
            let factor = centroids[primary].map { $0 + 0.6 * random.nextGaussian() }
            artists.append(
                Artist(
                    id: Int64(index + 1),
                    name: Self.artistName(&random),
                    genres: genres,
                    factor: factor,
                    popularity: pow(Double(ranks[index]), -configuration.popularityExponent),
                    rank: ranks[index]
                )
            )
        }
        self.artists = artists
        popularitySampler = WeightedSampler(weights: artists.map(\.popularity))
        var promoters: [Promoter] = []
        for k in 0..<configuration.promoters {
            var stream = SeededGenerator(seed: configuration.seed, stream: 2 + UInt64(k))
            let raw = Self.genres.map { _ in exp(1.5 * stream.nextGaussian()) }
            let total = raw.reduce(0, +)
            let mix = raw.map { $0 / total }
            let weights = artists.map { $0.popularity * mix[$0.genres[0]] }
            let headliners = WeightedSampler(weights: weights)
            var shows: [Show] = []
            let count = configuration.effectiveShows
            for s in 0..<count {
                let headliner = headliners.sample(&stream)
                var bill = [headliner]
                if stream.nextUnitDouble() < 0.3 {
                    let support = headliners.sample(&stream)
                    if support != headliner { bill.append(support) }
                }
                let share = Double(artists[headliner].rank) / Double(configuration.artists)
                let venue = share <= 0.02 ? 4 : share <= 0.10 ? 3 : share <= 0.30 ? 2 : (stream.next() % 2 == 0 ? 1 : 0)
                let day = Int64(stream.next() % 730)
                let minute = Int64(19 * 60 + Int(stream.next() % 5) * 30)
                shows.append(
                    Show(
                        id: Int64(k) * 1_000_000 + Int64(s) + 1,
                        artists: bill,
                        venue: venue,
                        start: Self.epoch + day * 86_400 + minute * 60,
                        priceCents: Self.venues[venue].priceCents
                    )
                )
            }
            let city = k < Self.cities.count ? Self.cities[k] : "\(Self.cities[k % Self.cities.count]) \(k / Self.cities.count + 1)"
            promoters.append(Promoter(city: city, genreMix: mix, shows: shows))
        }
        self.promoters = promoters
    }

    static func artistName(_ random: inout SeededGenerator) -> String {
        let syllables = [
            "ka", "lo", "vi", "mar", "sel", "tor", "nu", "bri", "den", "fa", "gro", "hex", "ja", "lu", "mo", "ri", "sa", "ve", "zo", "quin",
        ]
        func word() -> String {
            let count = 2 + Int(random.next() % 2)
            let text = (0..<count).map { _ in syllables[Int(random.next() % UInt64(syllables.count))] }.joined()
            return text.prefix(1).uppercased() + text.dropFirst()
        }
        switch random.next() % 6 {
        case 0: return "The " + word() + "s"
        case 1: return word() + ", " + word() + " & " + word()
        case 2: return word() + " \"" + word() + "\" " + word()
        default: return word() + " " + word()
        }
    }

    /// The hidden profile of member `index` of promoter `promoter`.
    public func member(promoter: Int, index: Int) -> Member {
        var random = memberStream(promoter: promoter, index: index)
        return drawMember(promoter: promoter, index: index, &random)
    }

    private func memberStream(promoter: Int, index: Int) -> SeededGenerator {
        SeededGenerator(seed: configuration.seed, stream: 0x1_0000_0000 + UInt64(promoter) * 2_000_000 + UInt64(index))
    }

    private func drawMember(promoter: Int, index: Int, _ random: inout SeededGenerator) -> Member {
        let mix = promoters[promoter].genreMix
        let genderDraw = random.nextUnitDouble()
        let gender = genderDraw < 0.48 ? "f" : genderDraw < 0.96 ? "m" : "x"
        var favourite = 0
        var target = random.nextUnitDouble()
        for (genre, share) in mix.enumerated() {
            favourite = genre
            target -= share
            if target < 0 { break }
        }
        let age = Int(min(85, max(16, (Self.genreAge[favourite] + 9 * random.nextGaussian()).rounded())))
        let region = Self.regions[Int(random.next() % UInt64(Self.regions.count))]
        var interests = [favourite]
        for genre in Self.genres.indices where genre != favourite && random.nextUnitDouble() < 0.5 * mix[genre] { interests.append(genre) }
        let factor = genreCentroids[favourite].map { 0.8 * $0 + 0.7 * random.nextGaussian() }
        let activity = 0.5 * random.nextGaussian()
        return Member(
            id: Int64(promoter) * 10_000_000 + Int64(index) + 1,
            birthYear: Int64(Self.referenceYear - age),
            age: age,
            gender: gender,
            region: region,
            favouriteGenre: favourite,
            interests: interests,
            factor: factor,
            activity: activity
        )
    }

    func affinity(_ member: Member, _ artist: Artist) -> Double {
        var dot = 0.0
        for index in member.factor.indices { dot += member.factor[index] * artist.factor[index] }
        return dot / Double(member.factor.count).squareRoot()
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// The true probability that `member` buys a ticket for show `show` (an index into the
    /// promoter's shows) when considering it (see the model above).
    public func purchaseProbability(promoter: Int, member: Member, show: Int) -> Double {
        let headliner = artists[promoters[promoter].shows[show].artists[0]]
        let genre = headliner.genres[0]
        let ageGap = (Double(member.age) - Self.genreAge[genre]) / 15
        let score =
            affinity(member, headliner) + member.activity + 0.35 * log(headliner.popularity)
            + (member.interests.contains(genre) ? 0.8 : 0) - 0.5 * ageGap * ageGap - 2.5
        return Self.sigmoid(score)
    }

    /// ``purchaseProbability(promoter:member:show:)`` for member `index`.
    public func purchaseProbability(promoter: Int, memberIndex index: Int, show: Int) -> Double {
        purchaseProbability(promoter: promoter, member: member(promoter: promoter, index: index), show: show)
    }

    /// Writes promoter `promoter`'s data (catalogue, members, shows, tickets, attendance,
    /// listening) into `sink`, member by member, so memory does not grow with the member count
    /// (beyond what the sink keeps). `progress` is called after every 100 000 members.
    public func generate(promoter: Int, into sink: inout some SyntheticSink, progress: ((Int) -> Void)? = nil) throws {
        precondition(promoters.indices.contains(promoter), "promoter \(promoter) out of range")
        for artist in artists {
            try sink.add(VaultSchema.artists, [.integer(artist.id), .text(artist.name), .texts(artist.genres.map { Self.genres[$0] })])
        }
        let city = promoters[promoter].city
        let shows = promoters[promoter].shows
        for show in shows {
            let venue = Self.venues[show.venue]
            try sink.add(
                VaultSchema.shows,
                [
                    .integers(show.artists.map { artists[$0].id }), .text("\(city) \(venue.name)"), .text(city),
                    .timestamp(show.start), .integer(venue.capacity), .text(venue.band),
                ].withID(show.id)
            )
        }
        var sold = [Int64](repeating: 0, count: shows.count)
        for index in 0..<configuration.membersPerPromoter {
            var random = memberStream(promoter: promoter, index: index)
            let member = drawMember(promoter: promoter, index: index, &random)
            try sink.add(
                VaultSchema.members,
                [
                    .integer(member.id), .integer(member.birthYear), .missing, .text(member.gender), .text(member.region),
                    .texts(member.interests.map { Self.genres[$0] }),
                ]
            )
            try generateTickets(promoter: promoter, member: member, shows: shows, sold: &sold, random: &random, sink: &sink)
            if configuration.listening { try generateListening(member: member, random: &random, sink: &sink) }
            if let progress, (index + 1) % 100_000 == 0 { progress(index + 1) }
        }
    }

    private func generateTickets(
        promoter: Int,
        member: Member,
        shows: [Show],
        sold: inout [Int64],
        random: inout SeededGenerator,
        sink: inout some SyntheticSink
    ) throws {
        var considered = Set<Int>()
        for _ in 0..<min(configuration.candidateShowsPerMember, shows.count) {
            let show = Int(random.next() % UInt64(shows.count))
            guard considered.insert(show).inserted else { continue }
            let probability = purchaseProbability(promoter: promoter, member: member, show: show)
            guard random.nextUnitDouble() < probability else { continue }
            let quantityDraw = random.nextUnitDouble()
            let quantity: Int64 = quantityDraw < 0.7 ? 1 : quantityDraw < 0.95 ? 2 : 3 + Int64(random.next() % 2)
            let capacity = Self.venues[shows[show].venue].capacity
            guard sold[show] + quantity <= capacity else { continue }
            sold[show] += quantity
            let leadDays = -25 * log(1 - random.nextUnitDouble()) + 0.05
            let start = shows[show].start
            try sink.add(
                VaultSchema.tickets,
                [
                    .integer(member.id), .integer(shows[show].id), .timestamp(start - Int64(leadDays * 86_400)),
                    .integer(quantity), .cents(shows[show].priceCents * quantity),
                ]
            )
            var showUp = 0.92
            if member.age < 25 { showUp -= 0.08 }
            if leadDays > 60 { showUp -= 0.05 }
            guard random.nextUnitDouble() < showUp else { continue }
            let genre = artists[shows[show].artists[0]].genres[0]
            let arrival = Self.genreArrival[genre] + 15 * random.nextGaussian() + 0.4 * Double(max(0, member.age - 35))
            let scanIn = start - Int64(arrival * 60)
            let early = -(10 + 0.8 * Double(max(0, member.age - 40))) * log(1 - random.nextUnitDouble())
            let scanOut = max(scanIn + 600, start + Int64((150 - early) * 60))
            var merchProbability = Self.genreMerch[genre]
            if member.age < 30 { merchProbability *= 1.2 }
            var spend: Int64 = 0
            if random.nextUnitDouble() < merchProbability {
                let pounds = exp(log(25) + 0.5 * random.nextGaussian()) * (genre == 6 || genre == 11 ? 1.3 : 1)
                spend = Int64((pounds * 100).rounded())
            }
            try sink.add(
                VaultSchema.attendance,
                [.integer(member.id), .integer(shows[show].id), .timestamp(scanIn), .timestamp(scanOut), .cents(spend)]
            )
        }
    }

    private func generateListening(member: Member, random: inout SeededGenerator, sink: inout some SyntheticSink) throws {
        let target = min(60, 5 + Int(exp(2.3 + 0.6 * random.nextGaussian())))
        var chosen = Set<Int>()
        var attempts = 0
        while chosen.count < target && attempts < target * 6 {
            attempts += 1
            let index = popularitySampler.sample(&random)
            guard !chosen.contains(index) else { continue }
            let artist = artists[index]
            let affinity = affinity(member, artist)
            let interest = member.interests.contains(artist.genres[0]) ? 0.5 : 0
            guard random.nextUnitDouble() < Self.sigmoid(1.2 * affinity + interest - 1) else { continue }
            chosen.insert(index)
            let plays = max(1, Int64(exp(3 + 0.5 * affinity + 1.2 * random.nextGaussian())))
            try sink.add(VaultSchema.listening, [.integer(member.id), .integer(artist.id), .integer(min(plays, 10_000_000))])
        }
    }
}

extension Array where Element == SyntheticValue {
    /// The values with `.integer(id)` in front.
    fileprivate func withID(_ id: Int64) -> [SyntheticValue] { [.integer(id)] + self }
}
