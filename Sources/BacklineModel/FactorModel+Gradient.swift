/// One member's local data as a node holds it: interacted artists with their extra confidences
/// (from the model's ``ConfidenceWeighting``), and member features with weights.
public struct MemberRow: Sendable, Equatable {
    /// Artist indices, strictly increasing.
    public let artists: [Int32]
    /// Extra confidence c − 1 ≥ 0 of each artist.
    public let extraConfidence: [Float]
    /// Member-feature indices, strictly increasing.
    public let features: [Int32]
    /// Weight of each feature.
    public let featureWeights: [Float]

    /// A validated row (sortedness, counts, finiteness).
    public init(artists: [Int32], extraConfidence: [Float], features: [Int32] = [], featureWeights: [Float] = []) throws {
        guard artists.count == extraConfidence.count, features.count == featureWeights.count else {
            throw ModelError.invalidShape("member row: index and value counts differ")
        }
        for (list, name) in [(artists, "artists"), (features, "features")] where zip(list, list.dropFirst()).contains(where: { $0 >= $1 }) {
            throw ModelError.outOfRange("member row: \(name) not strictly increasing")
        }
        guard extraConfidence.allSatisfy({ $0.isFinite && $0 >= 0 }), featureWeights.allSatisfy(\.isFinite) else {
            throw ModelError.nonFinite("member row confidence or feature weight (or negative confidence)")
        }
        self.artists = artists
        self.extraConfidence = extraConfidence
        self.features = features
        self.featureWeights = featureWeights
    }

    /// Row `row` of extra-confidence and member-feature tables.
    public init(row: Int, extraConfidence: SparseMatrix, memberFeatures: SparseMatrix) throws {
        let range = extraConfidence.rowOffsets[row]..<extraConfidence.rowOffsets[row + 1]
        let featureRange = memberFeatures.rowOffsets[row]..<memberFeatures.rowOffsets[row + 1]
        try self.init(
            artists: Array(extraConfidence.columns[range]),
            extraConfidence: Array(extraConfidence.values[range]),
            features: Array(memberFeatures.columns[featureRange]),
            featureWeights: Array(memberFeatures.values[featureRange])
        )
    }
}

extension FactorModel {
    private func checkRow(_ row: MemberRow, ownFactor: [Float]) throws {
        guard ownFactor.count == factors else {
            throw ModelError.invalidShape("own factor has \(ownFactor.count) values, expected \(factors)")
        }
        guard ownFactor.allSatisfy(\.isFinite) else { throw ModelError.nonFinite("own factor") }
        if let last = row.artists.last, Int(last) >= artistCount || row.artists.first! < 0 {
            throw ModelError.outOfRange("member row artist index outside 0..<\(artistCount)")
        }
        if let last = row.features.last, Int(last) >= memberFeatureCount || row.features.first! < 0 {
            throw ModelError.outOfRange("member row feature index outside 0..<\(memberFeatureCount)")
        }
    }

    /// The member's representation u = p + Σ w_f E_f.
    public func memberRepresentation(_ row: MemberRow, ownFactor: [Float]) throws -> [Float] {
        try checkRow(row, ownFactor: ownFactor)
        var u = ownFactor
        for (feature, weight) in zip(row.features, row.featureWeights) {
            for i in 0..<factors { u[i] += weight * memberEmbeddings.storage[Int(feature) * factors + i] }
        }
        return u
    }

    /// The member's closed-form own factor given the global parameters (what a node solves
    /// locally each federated round): exact Cholesky solve of (VᵀV + Σ c' v vᵀ + λI)x = Σ(1+c')v + λs, p = x − s.
    public func solveOwnFactor(_ row: MemberRow) throws -> [Float] {
        try checkRow(row, ownFactor: [Float](repeating: 0, count: factors))
        let confidence = try SparseMatrix(
            rowCount: 1,
            columnCount: artistCount,
            rowOffsets: [0, row.artists.count],
            columns: row.artists,
            values: row.extraConfidence
        )
        let features = try SparseMatrix(
            rowCount: 1,
            columnCount: memberFeatureCount,
            rowOffsets: [0, row.features.count],
            columns: row.features,
            values: row.featureWeights
        )
        let system = SideSystem(
            confidence: confidence,
            other: artistRepresentations(),
            lambda: regularization,
            features: features,
            embeddings: memberEmbeddings,
            threads: 1
        )
        var own = DenseMatrix(rows: 1, columns: factors)
        system.solveExactly(&own)
        return own.storage
    }

    /// The member's loss `Σ_a c_ma (p_ma − u·v_a)² + λ‖p‖²` over all artists (Double accumulation)
    /// and its gradient with respect to the global parameters (same names and shapes as
    /// ``parameters``), holding the member's own factor fixed. Regularisation of the global
    /// parameters is not included (it belongs to whoever aggregates). The artist-factor part is
    /// dense: every artist's score enters the implicit-feedback loss.
    public func memberLossAndGradient(_ row: MemberRow, ownFactor: [Float]) throws -> (loss: Double, gradient: ParameterSet) {
        let k = factors
        let u = try memberRepresentation(row, ownFactor: ownFactor)
        let v = artistRepresentations()
        var scores = Recommender.scores(v, u)
        var loss = 0.0
        for score in scores { loss += Double(score) * Double(score) }
        // coefficient_a = c_a (s_a − y_a): s_a for unobserved artists.
        var coefficients = scores
        for (artist, extra) in zip(row.artists, row.extraConfidence) {
            let a = Int(artist)
            let s = Double(scores[a])
            let c = 1 + Double(extra)
            loss += c * (1 - s) * (1 - s) - s * s
            coefficients[a] = Float(c * (s - 1))
        }
        loss += Double(regularization) * ownFactor.reduce(0.0) { $0 + Double($1) * Double($1) }
        scores = []
        var gradientV = [Float](repeating: 0, count: artistCount * k)
        var weightedSum = [Float](repeating: 0, count: k)
        for a in 0..<artistCount {
            let coefficient = 2 * coefficients[a]
            for i in 0..<k {
                gradientV[a * k + i] = coefficient * u[i]
                weightedSum[i] += coefficient * v.storage[a * k + i]
            }
        }
        var gradientT = [Float](repeating: 0, count: artistEmbeddings.rows * k)
        for a in 0..<artistFeatures.rowCount {
            for index in artistFeatures.rowOffsets[a]..<artistFeatures.rowOffsets[a + 1] {
                let feature = Int(artistFeatures.columns[index])
                let weight = artistFeatures.values[index]
                for i in 0..<k { gradientT[feature * k + i] += weight * gradientV[a * k + i] }
            }
        }
        var gradientE = [Float](repeating: 0, count: memberEmbeddings.rows * k)
        for (feature, weight) in zip(row.features, row.featureWeights) {
            for i in 0..<k { gradientE[Int(feature) * k + i] += weight * weightedSum[i] }
        }
        let gradient = try ParameterSet([
            (Self.artistFactorsName, Tensor(shape: [artistCount, k], values: gradientV)),
            (Self.artistEmbeddingsName, Tensor(shape: [artistEmbeddings.rows, k], values: gradientT)),
            (Self.memberEmbeddingsName, Tensor(shape: [memberEmbeddings.rows, k], values: gradientE)),
        ])
        return (loss, gradient)
    }
}

extension FactorModel {
    /// The representation of an artist known only by its features (a new artist, tags only):
    /// Σ w_g T_g, with no own factor. Throws `outOfRange` for a feature index out of range.
    public func newArtistRepresentation(features: [Int32], weights: [Float]) throws -> [Float] {
        try Self.featureOnly(features, weights, embeddings: artistEmbeddings, kind: "artist")
    }

    /// The representation of a member known only by its features (cold start): Σ w_f E_f.
    public func coldMemberRepresentation(features: [Int32], weights: [Float]) throws -> [Float] {
        try Self.featureOnly(features, weights, embeddings: memberEmbeddings, kind: "member")
    }

    private static func featureOnly(_ features: [Int32], _ weights: [Float], embeddings: DenseMatrix, kind: String) throws -> [Float] {
        guard features.count == weights.count else {
            throw ModelError.invalidShape("\(features.count) \(kind) features but \(weights.count) weights")
        }
        guard weights.allSatisfy(\.isFinite) else { throw ModelError.nonFinite("\(kind) feature weight") }
        let k = embeddings.columns
        var result = [Float](repeating: 0, count: k)
        for (feature, weight) in zip(features, weights) {
            guard feature >= 0, Int(feature) < embeddings.rows else {
                throw ModelError.outOfRange("\(kind) feature \(feature) outside 0..<\(embeddings.rows)")
            }
            for i in 0..<k { result[i] += weight * embeddings.storage[Int(feature) * k + i] }
        }
        return result
    }
}
