internal import Foundation

/// Side features from tag assignments (member, artist, tag): each artist's tags and each
/// member's used tags, weighted by log(1 + count), keeping the `maximumPerRow` most frequent
/// tags of each row and tags used at least `minimumCount` times overall, optionally times the
/// tag's inverse artist frequency log(1 + artists/(1 + artists with the tag)); rows are L2-normalised.
public struct TagFeatures: Sendable {
    /// Tags kept, in feature-index order.
    public let tags: IdentifierIndex
    /// Artists × tags.
    public let artists: SparseMatrix
    /// Members × tags (same tag vocabulary).
    public let members: SparseMatrix

    /// Builds both tables from `table` (rows: member, artist, tag) over the given indices, or over
    /// the tag vocabulary `vocabulary` when given (a saved model's). Unknown members or artists are skipped.
    public init(
        table: InteractionTable,
        members: IdentifierIndex,
        artists: IdentifierIndex,
        minimumCount: Int = 2,
        maximumPerRow: Int = 50,
        vocabulary: IdentifierIndex? = nil,
        inverseFrequency: Bool = false
    ) throws {
        var tagCounts: [String: Int] = [:]
        for row in table.rows { tagCounts[row.third, default: 0] += 1 }
        let tags: IdentifierIndex
        if let vocabulary {
            tags = vocabulary
        } else {
            let kept = tagCounts.filter { $0.value >= minimumCount }.keys.sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
            tags = try IdentifierIndex(kept)
        }
        var artistCounts: [Int: [Int: Int]] = [:]
        var memberCounts: [Int: [Int: Int]] = [:]
        for row in table.rows {
            guard let tag = tags.index(of: row.third) else { continue }
            if let artist = artists.index(of: row.artist) { artistCounts[artist, default: [:]][tag, default: 0] += 1 }
            if let member = members.index(of: row.member) { memberCounts[member, default: [:]][tag, default: 0] += 1 }
        }
        self.tags = tags
        var idf = [Float](repeating: 1, count: tags.count)
        if inverseFrequency {
            var frequency = [Int](repeating: 0, count: tags.count)
            for (_, tagCounts) in artistCounts { for tag in tagCounts.keys { frequency[tag] += 1 } }
            let total = Double(max(artistCounts.count, 1))
            idf = frequency.map { Float(log(1 + total / Double(1 + $0))) }
        }
        self.artists = try Self.table(artistCounts, rows: artists.count, columns: tags.count, maximumPerRow: maximumPerRow, idf: idf)
        self.members = try Self.table(memberCounts, rows: members.count, columns: tags.count, maximumPerRow: maximumPerRow, idf: idf)
    }

    private static func table(_ counts: [Int: [Int: Int]], rows: Int, columns: Int, maximumPerRow: Int, idf: [Float]) throws -> SparseMatrix
    {
        var triples: [(row: Int, column: Int, value: Float)] = []
        for (row, tagCounts) in counts {
            let best = tagCounts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(maximumPerRow)
            for (tag, count) in best { triples.append((row, tag, Float(log1p(Double(count))) * idf[tag])) }
        }
        return try SparseMatrix(rowCount: rows, columnCount: columns, triples: triples).rowNormalized()
    }
}
