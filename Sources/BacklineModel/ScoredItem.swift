/// An artist, member or show index with its score, as returned by queries.
public struct ScoredItem: Sendable, Equatable, Codable {
    /// Index in the model's artist, member or show list.
    public let index: Int
    /// The score (dot product, cosine or probability, depending on the query).
    public let score: Float

    /// A scored index.
    public init(index: Int, score: Float) {
        self.index = index
        self.score = score
    }
}
