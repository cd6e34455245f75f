internal import BacklineCore
internal import BacklineFederation
internal import BacklineModel
internal import BacklineNode
internal import BacklineVault

/// A promoter's vault seen through the federation's agreed model layout: the artist catalogue,
/// the feature vocabularies and the hyper-parameters of the federation's initial model file
/// (version 0, a `backline-factor-model/1` archive). Artists, features and members the
/// federation does not know are dropped; nothing here leaves the node.
struct NodeFederationView {
    /// The federation's initial model archive (vocabularies and hyper-parameters).
    let archive: ModelArchive
    /// The agreed specification.
    let specification: ModelSpecification
    /// Member ids, one per row.
    let memberIDs: [Int64]
    /// Interactions used for training (the holdout removed).
    let train: PromoterData
    /// Held-out interactions (empty when the holdout fraction is 0).
    let test: SparseMatrix
    /// All interactions, for the member factors the query commands use.
    let all: PromoterData

    /// The view of `view` (promoter `name`) under `archive`, holding out entries by `holdout`.
    init(name: String, view: TrainingView, archive: ModelArchive, holdout: HoldoutSplit) throws {
        let artistNames = view.artistIDs.map(String.init)
        let interactions = try NodeModelSupport.remap(view.interactions, names: artistNames, to: archive.artists)
        let memberFeatures = try NodeModelSupport.remap(
            view.memberFeatures,
            names: view.memberFeatureNames,
            to: archive.memberFeatureVocabulary
        )
        specification = try ModelSpecification(
            artistFeatures: try Self.artistFeatures(view, archive: archive),
            memberFeatureCount: archive.memberFeatureVocabulary.count,
            factors: archive.factors,
            regularization: archive.regularization,
            featureRegularization: archive.extra["feature_regularization"].flatMap(Float.init) ?? archive.regularization,
            weighting: archive.weighting
        )
        let federationArtistIDs = try archive.artists.identifiers.map { text -> Int64 in
            guard let id = Int64(text) else {
                throw UsageError("the federation model names artist '\(text.prefix(40))', not an integer id")
            }
            return id
        }
        let split = try holdout.split(interactions, memberIDs: view.memberIDs, artistIDs: federationArtistIDs)
        train = try PromoterData(name: name, interactions: split.train, memberFeatures: memberFeatures, specification: specification)
        all = try PromoterData(name: name, interactions: interactions, memberFeatures: memberFeatures, specification: specification)
        test = split.test
        memberIDs = view.memberIDs
        self.archive = archive
    }

    /// The vault's artist → feature table with rows in the federation's artist order and columns
    /// in its artist-feature vocabulary (empty rows for artists the vault does not list).
    private static func artistFeatures(_ view: TrainingView, archive: ModelArchive) throws -> SparseMatrix {
        let byColumn = try NodeModelSupport.remap(view.artistFeatures, names: view.artistFeatureNames, to: archive.artistFeatureVocabulary)
        var triples: [(row: Int, column: Int, value: Float)] = []
        for (vaultRow, id) in view.artistIDs.enumerated() {
            guard let row = archive.artists.index(of: String(id)) else { continue }
            for position in byColumn.rowOffsets[vaultRow]..<byColumn.rowOffsets[vaultRow + 1] {
                triples.append((row, Int(byColumn.columns[position]), byColumn.values[position]))
            }
        }
        return try SparseMatrix(rowCount: archive.artists.count, columnCount: archive.artistFeatureVocabulary.count, triples: triples)
    }

    /// The archive of global parameters `parameters` under the federation's vocabularies, tagged with `version`.
    func archive(of parameters: ParameterSet, version: Int64) throws -> ModelArchive {
        var extra = archive.extra
        extra["federation_model_version"] = String(version)
        extra["source"] = "federation"
        return try ModelArchive(
            model: try specification.model(parameters),
            artists: archive.artists,
            artistFeatureVocabulary: archive.artistFeatureVocabulary,
            memberFeatureVocabulary: archive.memberFeatureVocabulary,
            extra: extra
        )
    }

    /// NDCG@10 (and the other ranking metrics) of global `parameters` on the held-out entries,
    /// members folded in locally on the training part; nil without a holdout.
    func validate(_ parameters: ParameterSet, threads: Int) throws -> RankingMetrics? {
        guard test.entryCount > 0 else { return nil }
        let model = try specification.model(parameters)
        let members = try model.foldInMembers(interactions: train.interactions, memberFeatures: train.memberFeatures, threads: threads)
        return try RankingEvaluator(k: 10, includeAUC: false, threads: threads).evaluate(
            members: members.representations,
            artists: model.artistRepresentations(),
            train: train.interactions,
            test: test
        )
    }
}
