public import BacklineModel

/// One promoter's local training data: members × artists raw interaction strengths, and members ×
/// member features. Never leaves the node.
public struct PromoterData: Sendable {
    /// The promoter's name (ledger and report label).
    public let name: String
    /// Members × artists raw strengths (play counts, attendances).
    public let interactions: SparseMatrix
    /// Members × member features (weights).
    public let memberFeatures: SparseMatrix

    /// Local data; throws `shape_mismatch` when the two tables disagree on the member count or do
    /// not fit `specification`.
    public init(name: String, interactions: SparseMatrix, memberFeatures: SparseMatrix, specification: ModelSpecification) throws {
        guard memberFeatures.rowCount == interactions.rowCount else {
            throw FederationError.shapeMismatch(
                "promoter '\(name)'",
                "\(interactions.rowCount) interaction rows but \(memberFeatures.rowCount) feature rows"
            )
        }
        guard interactions.columnCount == specification.artistCount, memberFeatures.columnCount == specification.memberFeatureCount else {
            throw FederationError.shapeMismatch(
                "promoter '\(name)'",
                "tables have \(interactions.columnCount) artists and \(memberFeatures.columnCount) features, the model \(specification.artistCount) and \(specification.memberFeatureCount)"
            )
        }
        guard interactions.values.allSatisfy({ $0.isFinite && $0 >= 0 }), memberFeatures.values.allSatisfy(\.isFinite) else {
            throw FederationError.invalidParameter(
                "promoter '\(name)' table value",
                "NaN, Inf or negative",
                expected: "finite, strengths ≥ 0"
            )
        }
        self.name = name
        self.interactions = interactions
        self.memberFeatures = memberFeatures
    }

    /// Local data already known to be consistent (generated here).
    init(unchecked name: String, interactions: SparseMatrix, memberFeatures: SparseMatrix) {
        self.name = name
        self.interactions = interactions
        self.memberFeatures = memberFeatures
    }

    /// Number of members.
    public var memberCount: Int { interactions.rowCount }
}
