internal import BacklineCore
internal import BacklineModel
internal import BacklineVault

/// A promoter's vault opened together with a model file trained on it: the data (decrypted in
/// memory only), its training view, the model with the vault's artist features, and the
/// member representations from the factors stored in the vault.
struct NodeModelSession {
    let data: VaultData
    let view: TrainingView
    let archive: ModelArchive
    let model: FactorModel
    /// Member features of the view over the model's vocabulary.
    let memberFeatures: SparseMatrix
    /// Member representations U = P + F·E, one row per ``TrainingView/memberIDs`` entry.
    let members: DenseMatrix

    /// Opens `--vault` and `--model`, checks that they belong together and loads the stored
    /// member factors.
    /// - Throws: `invalidShape` when the model was not trained on this vault (artist catalogue,
    ///   member set or factor shape differ, or the factors were solved for another model file).
    init(_ arguments: ParsedArguments) throws {
        let factory = try openVaultStreams(arguments, create: false)
        let modelPath = try arguments.required("model")
        let bytes = try FileAccess.readAll(modelPath)
        let archive = try ModelArchive(bytes: bytes)
        data = try VaultData.load(from: factory)
        view = try data.trainingView()
        let vaultArtists = view.artistIDs.map(String.init)
        guard archive.artists.identifiers == vaultArtists else {
            throw ModelError.invalidShape(
                "\(modelPath) covers \(archive.artists.count) artists, the vault \(vaultArtists.count) (or other ids): the model does not match this vault; run 'backline model train' on it"
            )
        }
        model = try archive.model(
            artistFeatures: NodeModelSupport.remap(
                view.artistFeatures,
                names: view.artistFeatureNames,
                to: archive.artistFeatureVocabulary
            )
        )
        memberFeatures = try NodeModelSupport.remap(
            view.memberFeatures,
            names: view.memberFeatureNames,
            to: archive.memberFeatureVocabulary
        )
        guard let state = try MemberFactorState.load(from: factory) else {
            throw ModelError.invalidShape(
                "the vault holds no member factors; run 'backline model train --vault … --out \(modelPath)' first"
            )
        }
        guard state.modelTag == NodeModelSupport.modelTag(bytes) else {
            throw ModelError.invalidShape(
                "the member factors in the vault were solved for another model file than \(modelPath); run 'backline model train' again"
            )
        }
        guard state.factors == archive.factors, state.memberIDs == view.memberIDs else {
            throw ModelError.invalidShape(
                "the vault's member factors are \(state.memberCount) x \(state.factors), the model and vault need \(view.memberIDs.count) x \(archive.factors); run 'backline model train' again"
            )
        }
        let own = try DenseMatrix(rows: state.memberCount, columns: state.factors, storage: state.values)
        members = try NodeModelSupport.representations(own: own, features: memberFeatures, model: model)
        self.archive = archive
    }

    /// The member row of id text `text`, or `unknownIdentifier` naming it.
    func memberRow(_ text: String) throws -> Int {
        guard let id = Int64(text), let row = view.memberIndex(of: id) else { throw ModelError.unknownIdentifier("member", text) }
        return row
    }

    /// The model index of artist id text `text`, or `unknownIdentifier` naming it.
    func artistIndex(_ text: String) throws -> Int { try archive.artists.require(text, kind: "artist") }

    /// The shows of the vault.
    func shows() throws -> NodeShowCatalogue {
        try NodeShowCatalogue(data: data, artistIndex: { view.artistIndex(of: $0) }, memberRow: { view.memberIndex(of: $0) })
    }

    /// Artist names by id, from the vault's catalogue.
    func artistNames() -> [Int64: String] { Self.artistNames(data) }

    /// Artist names by id of `data`'s catalogue.
    static func artistNames(_ data: VaultData) -> [Int64: String] {
        let artists = data[VaultSchema.artists]
        return Dictionary(
            artists.integers("id").enumerated().map { ($1, artists.text("name", row: $0)) },
            uniquingKeysWith: { first, _ in first }
        )
    }
}
