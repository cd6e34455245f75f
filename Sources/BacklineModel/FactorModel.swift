/// The trained factor model's global part: artist factors, artist-feature embeddings and
/// member-feature embeddings (the parameters shared in federated training), the artist → feature
/// table they apply to, and the hyper-parameters needed to fold members in. Member factors are
/// local state and are never part of it.
public struct FactorModel: Sendable, Equatable {
    /// Tensor name of the artist factors, shape [artists, k].
    public static let artistFactorsName = "artist_factors"
    /// Tensor name of the artist-feature embeddings, shape [artist features, k].
    public static let artistEmbeddingsName = "artist_feature_embeddings"
    /// Tensor name of the member-feature embeddings, shape [member features, k].
    public static let memberEmbeddingsName = "member_feature_embeddings"

    /// Number of latent factors k.
    public var factors: Int { artistFactors.columns }
    /// Artist own factors Q.
    public internal(set) var artistFactors: DenseMatrix
    /// Artist-feature embeddings T.
    public internal(set) var artistEmbeddings: DenseMatrix
    /// Member-feature embeddings E.
    public internal(set) var memberEmbeddings: DenseMatrix
    /// Artists × artist features (weights).
    public let artistFeatures: SparseMatrix
    /// λ on own factors, used when folding members in.
    public let regularization: Float
    /// Confidence model, used when folding members in.
    public let weighting: ConfidenceWeighting

    /// A model from its parts; throws `invalidShape` or `nonFinite` when they do not fit.
    public init(
        artistFactors: DenseMatrix,
        artistEmbeddings: DenseMatrix,
        memberEmbeddings: DenseMatrix,
        artistFeatures: SparseMatrix,
        regularization: Float,
        weighting: ConfidenceWeighting
    ) throws {
        let k = artistFactors.columns
        guard k > 0, artistEmbeddings.columns == k, memberEmbeddings.columns == k else {
            throw ModelError.invalidShape("factor widths differ: \(k), \(artistEmbeddings.columns), \(memberEmbeddings.columns)")
        }
        guard artistFeatures.rowCount == artistFactors.rows, artistFeatures.columnCount == artistEmbeddings.rows else {
            throw ModelError.invalidShape(
                "artist features are \(artistFeatures.rowCount) x \(artistFeatures.columnCount), expected \(artistFactors.rows) x \(artistEmbeddings.rows)"
            )
        }
        guard regularization.isFinite, regularization > 0 else { throw ModelError.invalidArgument("regularization must be > 0") }
        for (name, matrix) in [
            ("artist factors", artistFactors), ("artist embeddings", artistEmbeddings), ("member embeddings", memberEmbeddings),
        ]
        where !matrix.storage.allSatisfy(\.isFinite) {
            throw ModelError.nonFinite(name)
        }
        self.artistFactors = artistFactors
        self.artistEmbeddings = artistEmbeddings
        self.memberEmbeddings = memberEmbeddings
        self.artistFeatures = artistFeatures
        self.regularization = regularization
        self.weighting = weighting
    }

    /// A model whose global parameters come from `parameters` (names as above).
    public init(parameters: ParameterSet, artistFeatures: SparseMatrix, regularization: Float, weighting: ConfidenceWeighting) throws {
        guard let q = parameters[Self.artistFactorsName], q.shape.count == 2 else {
            throw ModelError.invalidShape("tensor '\(Self.artistFactorsName)' is missing or not rank 2")
        }
        let k = q.shape[1]
        let t = try parameters.tensor(Self.artistEmbeddingsName, shape: [artistFeatures.columnCount, k])
        guard let e = parameters[Self.memberEmbeddingsName], e.shape.count == 2, e.shape[1] == k else {
            throw ModelError.invalidShape("tensor '\(Self.memberEmbeddingsName)' is missing or not [features, \(k)]")
        }
        try self.init(
            artistFactors: DenseMatrix(q),
            artistEmbeddings: DenseMatrix(t),
            memberEmbeddings: DenseMatrix(e),
            artistFeatures: artistFeatures,
            regularization: regularization,
            weighting: weighting
        )
    }

    /// Number of artists.
    public var artistCount: Int { artistFactors.rows }
    /// Number of member features.
    public var memberFeatureCount: Int { memberEmbeddings.rows }

    /// The global parameters as named tensors.
    public var parameters: ParameterSet {
        // Names are distinct constants, so insertion cannot fail.
        try! ParameterSet([
            (Self.artistFactorsName, artistFactors.tensor),
            (Self.artistEmbeddingsName, artistEmbeddings.tensor),
            (Self.memberEmbeddingsName, memberEmbeddings.tensor),
        ])
    }

    /// Replaces the global parameters (same names and shapes), e.g. after a federated round.
    public mutating func setParameters(_ parameters: ParameterSet) throws {
        guard parameters.isCompatible(with: self.parameters) else {
            throw ModelError.invalidShape("parameter set does not match the model's names and shapes")
        }
        try parameters.requireFinite()
        artistFactors.storage = parameters[Self.artistFactorsName]!.values
        artistEmbeddings.storage = parameters[Self.artistEmbeddingsName]!.values
        memberEmbeddings.storage = parameters[Self.memberEmbeddingsName]!.values
    }

    /// Artist representations V = Q + H·T (own factor plus weighted tag embeddings).
    public func artistRepresentations() -> DenseMatrix {
        artistSystemSkeleton().representations(own: artistFactors)
    }

    private func artistSystemSkeleton() -> SideSystem {
        SideSystem(
            confidence: .empty(rowCount: artistCount, columnCount: 0),
            other: DenseMatrix(rows: 0, columns: factors),
            lambda: regularization,
            features: artistFeatures,
            embeddings: artistEmbeddings,
            threads: 1
        )
    }

    /// Checks that a member table fits this model.
    func checkMembers(_ interactions: SparseMatrix, _ memberFeatures: SparseMatrix) throws {
        guard interactions.columnCount == artistCount else {
            throw ModelError.invalidShape("interactions have \(interactions.columnCount) artist columns, the model has \(artistCount)")
        }
        guard memberFeatures.rowCount == interactions.rowCount, memberFeatures.columnCount == memberFeatureCount else {
            throw ModelError.invalidShape(
                "member features are \(memberFeatures.rowCount) x \(memberFeatures.columnCount), expected \(interactions.rowCount) x \(memberFeatureCount)"
            )
        }
    }

    /// Folds members in: solves every member's own factor exactly (the closed form a node
    /// computes locally) given the global parameters, and returns own factors and
    /// representations (own + Σ feature embeddings). A member without interactions gets the
    /// representation of its features alone, shrunk by λ.
    public func foldInMembers(
        interactions: SparseMatrix,
        memberFeatures: SparseMatrix,
        threads: Int = 1
    ) throws
        -> (own: DenseMatrix, representations: DenseMatrix)
    {
        try checkMembers(interactions, memberFeatures)
        let system = SideSystem(
            confidence: weighting.extraConfidence(for: interactions),
            other: artistRepresentations(),
            lambda: regularization,
            features: memberFeatures,
            embeddings: memberEmbeddings,
            threads: threads
        )
        var own = DenseMatrix(rows: interactions.rowCount, columns: factors)
        system.solveExactly(&own)
        return (own, system.representations(own: own))
    }
}
