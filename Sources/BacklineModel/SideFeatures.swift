/// Side features, LightFM-style: member → feature ids (age band, gender, interest genres) and
/// artist → feature ids (tags, genres), each a CSR table whose values are feature weights.
///
/// A member's representation is its own factor plus the weighted sum of its features'
/// embeddings; likewise for artists. Either table may have zero features.
public struct SideFeatures: Sendable, Equatable {
    /// Members × member features.
    public let members: SparseMatrix
    /// Artists × artist features.
    public let artists: SparseMatrix

    /// Side features; `members.rowCount` and `artists.rowCount` are checked against the
    /// interaction matrix by the trainer.
    public init(members: SparseMatrix, artists: SparseMatrix) {
        self.members = members
        self.artists = artists
    }

    /// No side features for `memberCount` members and `artistCount` artists.
    public static func none(memberCount: Int, artistCount: Int) -> SideFeatures {
        SideFeatures(
            members: .empty(rowCount: memberCount, columnCount: 0),
            artists: .empty(rowCount: artistCount, columnCount: 0)
        )
    }
}
