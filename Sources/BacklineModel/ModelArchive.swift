/// A model file's contents: the global parameters plus the metadata needed to use them (artist
/// identifiers, feature vocabularies, λ, confidence model), in the safetensors layout. Member
/// factors are never stored. The artist → feature table is not stored either: it is rebuilt
/// from the same catalogue data (e.g. the tag file) with ``artistFeatureVocabulary``.
public struct ModelArchive: Sendable {
    /// Value of the `format` metadata key.
    public static let format = "backline-factor-model/1"

    /// The global parameters.
    public let parameters: ParameterSet
    /// Artist identifiers, in row order of the artist tensors.
    public let artists: IdentifierIndex
    /// Artist-feature identifiers (tags), in row order of the artist-feature embeddings.
    public let artistFeatureVocabulary: IdentifierIndex
    /// Member-feature identifiers, in row order of the member-feature embeddings.
    public let memberFeatureVocabulary: IdentifierIndex
    /// λ on own factors.
    public let regularization: Float
    /// The confidence model.
    public let weighting: ConfidenceWeighting
    /// Further metadata (free-form, strings).
    public let extra: [String: String]

    private static let reservedKeys: Set<String> = [
        "format", "factors", "regularization", "weighting", "artist_ids",
        "artist_feature_ids", "member_feature_ids",
    ]

    /// An archive of `model` with its identifiers; throws `invalidShape` when counts differ.
    public init(
        model: FactorModel,
        artists: IdentifierIndex,
        artistFeatureVocabulary: IdentifierIndex,
        memberFeatureVocabulary: IdentifierIndex,
        extra: [String: String] = [:]
    ) throws {
        try self.init(
            parameters: model.parameters,
            artists: artists,
            artistFeatureVocabulary: artistFeatureVocabulary,
            memberFeatureVocabulary: memberFeatureVocabulary,
            regularization: model.regularization,
            weighting: model.weighting,
            extra: extra
        )
    }

    private init(
        parameters: ParameterSet,
        artists: IdentifierIndex,
        artistFeatureVocabulary: IdentifierIndex,
        memberFeatureVocabulary: IdentifierIndex,
        regularization: Float,
        weighting: ConfidenceWeighting,
        extra: [String: String]
    ) throws {
        guard let q = parameters[FactorModel.artistFactorsName], q.shape.count == 2, q.shape[1] > 0 else {
            throw ModelError.invalidShape("tensor '\(FactorModel.artistFactorsName)' is missing or not [artists, factors]")
        }
        let k = q.shape[1]
        _ = try parameters.tensor(FactorModel.artistFactorsName, shape: [artists.count, k])
        _ = try parameters.tensor(FactorModel.artistEmbeddingsName, shape: [artistFeatureVocabulary.count, k])
        _ = try parameters.tensor(FactorModel.memberEmbeddingsName, shape: [memberFeatureVocabulary.count, k])
        guard parameters.names.count == 3 else {
            throw ModelError.invalidShape("unexpected tensors: \(parameters.names.sorted())")
        }
        try parameters.requireFinite()
        guard Set(extra.keys).isDisjoint(with: Self.reservedKeys) else {
            throw ModelError.invalidArgument("extra metadata uses a reserved key")
        }
        self.parameters = parameters
        self.artists = artists
        self.artistFeatureVocabulary = artistFeatureVocabulary
        self.memberFeatureVocabulary = memberFeatureVocabulary
        self.regularization = regularization
        self.weighting = weighting
        self.extra = extra
    }

    /// Number of factors.
    public var factors: Int { parameters[FactorModel.artistFactorsName]!.shape[1] }

    /// The safetensors bytes.
    public func encode() throws -> [UInt8] {
        var metadata = extra
        metadata["format"] = Self.format
        metadata["factors"] = String(factors)
        metadata["regularization"] = String(regularization)
        metadata["weighting"] = weighting.description
        metadata["artist_ids"] = artists.joined
        metadata["artist_feature_ids"] = artistFeatureVocabulary.joined
        metadata["member_feature_ids"] = memberFeatureVocabulary.joined
        return try SafeTensors.encode(parameters, metadata: metadata)
    }

    /// Decodes and validates a model file's bytes.
    /// - Throws: what ``SafeTensors/decode(_:)`` throws; `malformed` for missing or wrong metadata;
    ///   `invalidShape` when tensor shapes disagree with the identifier lists.
    public init(bytes: [UInt8]) throws {
        let (parameters, metadata) = try SafeTensors.decode(bytes)
        guard metadata["format"] == Self.format else {
            throw ModelError.malformed("metadata 'format' is '\(metadata["format"] ?? "")', expected '\(Self.format)'")
        }
        func required(_ key: String) throws -> String {
            guard let value = metadata[key] else { throw ModelError.malformed("metadata '\(key)' is missing") }
            return value
        }
        guard let regularization = Float(try required("regularization")), regularization.isFinite, regularization > 0 else {
            throw ModelError.malformed("metadata 'regularization' is not a positive number")
        }
        guard let factors = Int(try required("factors")), factors > 0 else { throw ModelError.malformed("metadata 'factors' is invalid") }
        try self.init(
            parameters: parameters,
            artists: IdentifierIndex(joined: required("artist_ids")),
            artistFeatureVocabulary: IdentifierIndex(joined: required("artist_feature_ids")),
            memberFeatureVocabulary: IdentifierIndex(joined: required("member_feature_ids")),
            regularization: regularization,
            weighting: ConfidenceWeighting(parsing: required("weighting")),
            extra: metadata.filter { !Self.reservedKeys.contains($0.key) }
        )
        guard self.factors == factors else {
            throw ModelError.invalidShape("metadata says \(factors) factors, tensors have \(self.factors)")
        }
    }

    /// The model, given the artist → feature table over ``artists`` × ``artistFeatureVocabulary``.
    public func model(artistFeatures: SparseMatrix) throws -> FactorModel {
        try FactorModel(parameters: parameters, artistFeatures: artistFeatures, regularization: regularization, weighting: weighting)
    }
}
