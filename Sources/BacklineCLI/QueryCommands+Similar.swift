internal import BacklineCore
internal import BacklineModel
internal import BacklineVault
import Foundation

/// `backline similar --vault …`: similar artists with the vault's artist features and names.
enum VaultSimilarQuery {
    /// Options added to `backline similar` for vault mode.
    static let options: [OptionSpec] = vaultOptions

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let top = try arguments.integer("top", default: 10, in: 1...1_000_000)
        let artistText = try arguments.required("artist")
        let modelPath = try arguments.required("model")
        let archive = try ModelArchive(bytes: FileAccess.readAll(modelPath))
        let data = try VaultData.load(from: openVaultStreams(arguments, create: false))
        let view = try data.trainingView()
        guard archive.artists.identifiers == view.artistIDs.map(String.init) else {
            throw ModelError.invalidShape(
                "\(modelPath) covers \(archive.artists.count) artists, the vault \(view.artistIDs.count) (or other ids): the model does not match this vault"
            )
        }
        let model = try archive.model(
            artistFeatures: NodeModelSupport.remap(
                view.artistFeatures,
                names: view.artistFeatureNames,
                to: archive.artistFeatureVocabulary
            )
        )
        let names = NodeModelSession.artistNames(data)
        let artist = try resolve(artistText, artists: archive.artists, names: names)
        let items = try Recommender(model: model).similar(artist: artist, top: top)
        let rows = QueryReport.rows(items) { index in
            let id = view.artistIDs[index]
            return (String(id), names[id], nil)
        }
        let header = "artists similar to \(artistText)" + (names[view.artistIDs[artist]].map { " (\($0))" } ?? "")
        struct Report: Encodable {
            let query: String
            let results: [QueryReport.Row]
        }
        try context.report(Report(query: header, results: rows)) { QueryReport.text(header, rows) }
        return 0
    }

    /// The model index of `text`: an artist id, or else the one artist whose name equals it
    /// (ignoring case).
    static func resolve(_ text: String, artists: IdentifierIndex, names: [Int64: String]) throws -> Int {
        if let index = artists.index(of: text) { return index }
        let matches = names.filter { $0.value.caseInsensitiveCompare(text) == .orderedSame }.keys.sorted()
        guard matches.count <= 1 else {
            throw ModelError.invalidArgument(
                "\(matches.count) artists are named '\(text)' (ids \(matches.map(String.init).joined(separator: ", "))); give the id"
            )
        }
        guard let id = matches.first, let index = artists.index(of: String(id)) else { throw ModelError.unknownIdentifier("artist", text) }
        return index
    }
}
