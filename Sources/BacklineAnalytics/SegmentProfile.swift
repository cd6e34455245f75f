/// What one audience segment looks like: its size, demographics and top interest genres (exact,
/// for the promoter: it must not leave the node without a DP release).
public struct SegmentProfile: Sendable, Hashable, Codable {
    /// The cluster number.
    public let cluster: Int
    /// Members in the cluster (known to the vault).
    public let members: Int
    /// Share of members per age band (age in the year of the last show), labels as in ``AnalyticsSegment/ageBand``.
    public let ageBands: [String: Double]
    /// Share of members per gender cell.
    public let genders: [String: Double]
    /// The most declared interest genres with the share of members declaring them, most common first.
    public let topGenres: [Genre]

    /// A genre and the share of the cluster's members declaring it.
    public struct Genre: Sendable, Hashable, Codable {
        /// Genre label.
        public let genre: String
        /// Share of members.
        public let share: Double
    }

    private enum CodingKeys: String, CodingKey {
        case cluster, members, genders
        case ageBands = "age_bands"
        case topGenres = "top_genres"
    }
}
