internal import BacklineCore
public import BacklineModel
internal import Foundation

/// A seeded synthetic federation for tests, benchmarks and `backline simulate --synthetic`: a
/// public catalogue of artists in genres (artist feature = genre), and promoters whose members
/// lean to the promoter's two home genres (non-IID). Member features: interest genre and one of
/// four age bands. Each member picks distinct artists by Gumbel-top-n on a latent taste score
/// plus artist popularity; a fifth of each member's artists (at least one when it has five or
/// more) is held out for testing.
public struct SyntheticFederation: Sendable {
    /// Shape of the generated federation.
    public struct Shape: Sendable, Equatable {
        /// Members of each promoter.
        public var members: [Int]
        /// Artists in the catalogue.
        public var artists: Int
        /// Genres (artist features; member interests).
        public var genres: Int
        /// Fewest and most artists per member (train + test).
        public var itemsPerMember: ClosedRange<Int>
        /// Share of a member's taste drawn from the promoter's home genres.
        public var homeShare: Double
        /// A shape; see the properties.
        public init(members: [Int], artists: Int, genres: Int = 8, itemsPerMember: ClosedRange<Int> = 6...15, homeShare: Double = 0.8) {
            self.members = members
            self.artists = artists
            self.genres = genres
            self.itemsPerMember = itemsPerMember
            self.homeShare = homeShare
        }
    }

    /// The promoters' training data.
    public let promoters: [PromoterData]
    /// Each promoter's held-out interactions.
    public let tests: [SparseMatrix]
    /// The public artist-feature table (artists × genres, one-hot).
    public let artistFeatures: SparseMatrix
    /// Number of member features (genres + 4 age bands).
    public let memberFeatureCount: Int

    private static let latentWidth = 8
    private static let ageBands = 4

    /// Generates a federation of `shape` from `seed` for a model of `specification`'s layout, whose
    /// artist features and member-feature count must be ``artistFeatures(shape:)`` and
    /// `genres + 4`.
    /// - Throws: `invalid_parameter` for an empty or impossible shape.
    public init(shape: Shape, seed: UInt64) throws {
        guard shape.artists >= max(2, shape.itemsPerMember.upperBound), shape.genres >= 1, shape.genres <= shape.artists,
            !shape.members.isEmpty, shape.members.allSatisfy({ $0 >= 1 }), shape.itemsPerMember.lowerBound >= 1,
            (0...1).contains(shape.homeShare)
        else {
            throw FederationError.invalidParameter(
                "synthetic shape",
                "\(shape)",
                expected: "artists ≥ items per member ≥ 1, genres ≤ artists, members ≥ 1"
            )
        }
        var generator = SeededGenerator(seed: seed)
        let width = Self.latentWidth
        let genreVectors = (0..<shape.genres).map { _ in (0..<width).map { _ in Float(generator.nextGaussian()) } }
        var artistVectors = [Float]()
        var popularity = [Float]()
        for artist in 0..<shape.artists {
            let genre = genreVectors[artist % shape.genres]
            artistVectors += genre.map { $0 + 0.5 * Float(generator.nextGaussian()) }
            popularity.append(Float(generator.nextGaussian()))
        }
        artistFeatures = try Self.artistFeatures(shape: shape)
        memberFeatureCount = shape.genres + Self.ageBands
        let specificationLike = (artists: shape.artists, features: memberFeatureCount)
        var promoters: [PromoterData] = []
        var tests: [SparseMatrix] = []
        for (index, memberCount) in shape.members.enumerated() {
            var train: [(row: Int, column: Int, value: Float)] = []
            var test: [(row: Int, column: Int, value: Float)] = []
            var features: [(row: Int, column: Int, value: Float)] = []
            let home = [(2 * index) % shape.genres, (2 * index + 1) % shape.genres]
            for member in 0..<memberCount {
                let genre =
                    generator.nextUnitDouble() < shape.homeShare
                    ? home[Int(generator.next() % 2)] : Int(generator.next() % UInt64(shape.genres))
                let taste = genreVectors[genre].map { $0 + 0.7 * Float(generator.nextGaussian()) }
                features.append((member, genre, 1))
                features.append((member, shape.genres + Int(generator.next() % UInt64(Self.ageBands)), 1))
                let count =
                    shape.itemsPerMember.lowerBound
                    + Int(generator.next() % UInt64(shape.itemsPerMember.count))
                let chosen = Self.gumbelTop(count, taste: taste, artists: artistVectors, popularity: popularity, generator: &generator)
                let held = count >= 5 ? max(1, Int((Double(count) / 5).rounded())) : 0
                for (position, artist) in chosen.enumerated() {
                    let strength = Float(1 + generator.next() % 50) * Float(count - position)
                    if position % 5 == 4, position / 5 < held {
                        test.append((member, artist, strength))
                    } else {
                        train.append((member, artist, strength))
                    }
                }
            }
            let featureTable = try SparseMatrix(rowCount: memberCount, columnCount: specificationLike.features, triples: features)
            let trainTable = try SparseMatrix(rowCount: memberCount, columnCount: specificationLike.artists, triples: train)
            tests.append(try SparseMatrix(rowCount: memberCount, columnCount: specificationLike.artists, triples: test))
            promoters.append(PromoterData(unchecked: "promoter\(index)", interactions: trainTable, memberFeatures: featureTable))
        }
        self.promoters = promoters
        self.tests = tests
    }

    /// The one-hot artist → genre table of `shape`.
    public static func artistFeatures(shape: Shape) throws -> SparseMatrix {
        try SparseMatrix(
            rowCount: shape.artists,
            columnCount: shape.genres,
            triples: (0..<shape.artists).map { ($0, $0 % shape.genres, Float(1)) }
        )
    }

    /// The specification for this federation's tables with factor width `factors` and the given λs.
    public func specification(
        factors: Int,
        regularization: Float = 1,
        featureRegularization: Float = 1,
        weighting: ConfidenceWeighting = .log(alpha: 2)
    ) throws -> ModelSpecification {
        try ModelSpecification(
            artistFeatures: artistFeatures,
            memberFeatureCount: memberFeatureCount,
            factors: factors,
            regularization: regularization,
            featureRegularization: featureRegularization,
            weighting: weighting
        )
    }

    /// `count` distinct artists, the highest of 2·taste·v_a + popularity_a + Gumbel noise.
    private static func gumbelTop(
        _ count: Int,
        taste: [Float],
        artists: [Float],
        popularity: [Float],
        generator: inout SeededGenerator
    ) -> [Int] {
        let width = taste.count
        var scored: [(score: Float, artist: Int)] = []
        scored.reserveCapacity(popularity.count)
        for artist in popularity.indices {
            var dot: Float = 0
            for i in 0..<width { dot += taste[i] * artists[artist * width + i] }
            let uniform = max(generator.nextUnitDouble(), 1e-300)
            scored.append((0.5 * dot + popularity[artist] - Float(log(-log(uniform))), artist))
        }
        scored.sort { $0.score > $1.score }
        return scored.prefix(count).map(\.artist)
    }
}
