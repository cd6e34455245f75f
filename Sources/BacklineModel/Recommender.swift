/// The queries of a trained model over artist representations: recommend artists or shows to a
/// member, match members to an artist or show, and find similar artists.
public struct Recommender: Sendable {
    /// Artist representations V (artists × k).
    public let artists: DenseMatrix
    private let norms: [Float]

    /// Queries over `model`'s artist representations.
    public init(model: FactorModel) {
        self.init(artistRepresentations: model.artistRepresentations())
    }

    /// Queries over given artist representations.
    public init(artistRepresentations: DenseMatrix) {
        artists = artistRepresentations
        let k = artistRepresentations.columns
        norms = (0..<artistRepresentations.rows).map { row in
            artistRepresentations.storage.withUnsafeBufferPointer { buffer in
                VectorKernels.dot(buffer.baseAddress! + row * k, buffer.baseAddress! + row * k, k).squareRoot()
            }
        }
    }

    private func requireCount(_ n: Int) throws {
        guard n > 0 else { throw ModelError.invalidArgument("the number of results must be > 0, got \(n)") }
    }

    private func requireArtist(_ artist: Int) throws {
        guard artist >= 0, artist < artists.rows else { throw ModelError.unknownIdentifier("artist index", String(artist)) }
    }

    private func requireMember(_ member: [Float]) throws {
        guard member.count == artists.columns else {
            throw ModelError.invalidShape("member representation has \(member.count) values, expected \(artists.columns)")
        }
        guard member.allSatisfy(\.isFinite) else { throw ModelError.nonFinite("member representation") }
    }

    /// Scores of every artist for a member representation u: V·u.
    public func scores(member: [Float]) throws -> [Float] {
        try requireMember(member)
        return Self.scores(artists, member)
    }

    static func scores(_ matrix: DenseMatrix, _ vector: [Float]) -> [Float] {
        let k = matrix.columns
        var result = [Float](repeating: 0, count: matrix.rows)
        matrix.storage.withUnsafeBufferPointer { m in
            vector.withUnsafeBufferPointer { v in
                for row in 0..<matrix.rows { result[row] = VectorKernels.dot(m.baseAddress! + row * k, v.baseAddress!, k) }
            }
        }
        return result
    }

    /// The `top` artists for member representation `member`, excluding the artist indices in `excluding`.
    public func recommend(member: [Float], excluding: Set<Int> = [], top: Int) throws -> [ScoredItem] {
        try requireCount(top)
        let scores = try scores(member: member)
        return Self.best(scores, top: top) { !excluding.contains($0) }
    }

    /// The `top` shows for a member, a show scoring the mean of its artists' scores; `shows[s]` lists
    /// show s's artist indices; shows in `excluding` are skipped.
    public func recommendShows(member: [Float], shows: [[Int]], excluding: Set<Int> = [], top: Int) throws -> [ScoredItem] {
        try requireCount(top)
        let artistScores = try scores(member: member)
        let showScores = try shows.map { lineup -> Float in
            guard !lineup.isEmpty else { throw ModelError.invalidArgument("a show needs at least one artist") }
            return try lineup.reduce(Float(0)) { sum, artist in
                try requireArtist(artist)
                return sum + artistScores[artist]
            } / Float(lineup.count)
        }
        return Self.best(showScores, top: top) { !excluding.contains($0) }
    }

    /// The `top` members of `members` (representations, members × k) most likely to come to a show
    /// of `lineup` (artist indices): score = mean over the lineup of u·v.
    public func match(lineup: [Int], members: DenseMatrix, excluding: Set<Int> = [], top: Int) throws -> [ScoredItem] {
        try requireCount(top)
        let scores = try showScores(lineup: lineup, members: members)
        return Self.best(scores, top: top) { !excluding.contains($0) }
    }

    /// Every member's score for a show of `lineup`: mean over its artists of u·v.
    public func showScores(lineup: [Int], members: DenseMatrix) throws -> [Float] {
        guard !lineup.isEmpty else { throw ModelError.invalidArgument("a show needs at least one artist") }
        guard members.columns == artists.columns else {
            throw ModelError.invalidShape("member representations have \(members.columns) factors, expected \(artists.columns)")
        }
        var mean = [Float](repeating: 0, count: artists.columns)
        for artist in lineup {
            try requireArtist(artist)
            for (i, value) in artists.row(artist).enumerated() { mean[i] += value / Float(lineup.count) }
        }
        return Self.scores(members, mean)
    }

    /// The `top` artists nearest to `artist` by cosine similarity of representations (itself excluded).
    public func similar(artist: Int, top: Int) throws -> [ScoredItem] {
        try requireCount(top)
        try requireArtist(artist)
        var scores = Self.scores(artists, artists.row(artist))
        let own = norms[artist]
        for index in scores.indices {
            let denominator = own * norms[index]
            scores[index] = denominator > 0 ? scores[index] / denominator : -.infinity
        }
        return Self.best(scores, top: top) { $0 != artist }
    }

    static func best(_ scores: [Float], top: Int, allowed: (Int) -> Bool) -> [ScoredItem] {
        scores.withUnsafeBufferPointer { buffer in
            TopK.select(buffer, k: top, allowed: allowed).map { ScoredItem(index: $0, score: buffer[$0]) }
        }
    }
}
