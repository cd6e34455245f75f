internal import BacklineCore
internal import BacklineModel
internal import BacklineVault
import Foundation

/// `backline model train`: trains on a vault; global parameters to a model file, member factors
/// encrypted into the vault.
struct NodeModelTrainCommand: Command {
    let name = "train"
    let abstract = "Train the factor model with side features on a vault's interactions"
    var discussion: String {
        """
        The vault is decrypted in memory only. The model file (safetensors) holds the global
        parameters: artist factors and the embeddings of artist and member features, never member
        factors. Member factors stay on the node: they are stored encrypted in the vault (stream
        member_factors), tied to the model file by its SHA-256.
        Example: backline model train --vault v --key-file k.kek --factors 64 --iterations 15 --out model.safetensors
        """
    }
    var options: [OptionSpec] {
        vaultOptions + [
            .value("out", "MODEL", "Where to write the model file"),
            .value("factors", "N", "Latent factors (default 64)"),
            .value("iterations", "N", "ALS sweeps (default 15)"),
            .value("regularization", "L", "λ on own factors (default 50)"),
            .value("feature-regularization", "L", "λ on feature embeddings (default 30)"),
            .value("weighting", "SPEC", "Confidence: log:ALPHA[:EPS], linear:ALPHA, bm25:ALPHA[:K1[:B]] (default log:2)"),
            .value("threads", "N", "Worker threads (default 2)"),
            .value("seed", "N", "Initialisation seed (default 42)"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let outPath = try arguments.required("out")
        var configuration = TrainingConfiguration()
        configuration.factors = try arguments.integer("factors", default: 64, in: 1...MemberFactorState.maximumFactors)
        configuration.iterations = try arguments.integer("iterations", default: 15, in: 0...1000)
        configuration.regularization = Float(try arguments.double("regularization", default: 50, in: 1e-6...1e9))
        configuration.featureRegularization = Float(try arguments.double("feature-regularization", default: 30, in: 1e-6...1e9))
        configuration.threads = try arguments.integer("threads", default: 2, in: 1...256)
        configuration.seed = UInt64(try arguments.integer("seed", default: 42, in: 0...Int.max))
        if let spec = arguments.value("weighting") { configuration.weighting = try ConfidenceWeighting(parsing: spec) }
        let factory = try openVaultStreams(arguments, create: false)
        let started = Date()
        let view = try VaultData.load(from: factory).trainingView()
        let note: (@Sendable (String) -> Void)? = context.json ? nil : context.note
        note?(
            "train: \(view.memberIDs.count) members, \(view.artistIDs.count) artists, \(view.interactions.nonZeroCount) interactions, \(view.memberFeatureNames.count) member and \(view.artistFeatureNames.count) artist features"
        )
        let result = try NodeModelSupport.train(view, configuration: configuration, note: note)
        let archive = try ModelArchive(
            model: result.model,
            artists: IdentifierIndex(view.artistIDs.map(String.init)),
            artistFeatureVocabulary: IdentifierIndex(view.artistFeatureNames),
            memberFeatureVocabulary: IdentifierIndex(view.memberFeatureNames),
            extra: [
                "source": "vault", "iterations": String(configuration.iterations), "seed": String(configuration.seed),
                "feature_regularization": String(configuration.featureRegularization),
            ]
        )
        let bytes = try archive.encode()
        let state = try MemberFactorState(
            memberIDs: view.memberIDs,
            factors: configuration.factors,
            values: result.memberFactors.storage,
            modelTag: NodeModelSupport.modelTag(bytes)
        )
        try AtomicFileWriter.write(bytes, to: outPath)
        try state.store(to: factory)
        struct Summary: Encodable {
            let model: String
            let members: Int
            let artists: Int
            let interactions: Int
            let factors: Int
            let memberFeatures: Int
            let artistFeatures: Int
            let seconds: Double
        }
        let summary = Summary(
            model: outPath,
            members: view.memberIDs.count,
            artists: view.artistIDs.count,
            interactions: view.interactions.nonZeroCount,
            factors: configuration.factors,
            memberFeatures: view.memberFeatureNames.count,
            artistFeatures: view.artistFeatureNames.count,
            seconds: Date().timeIntervalSince(started)
        )
        try context.report(summary) {
            "trained \(configuration.factors) factors on \(summary.interactions) interactions (\(summary.members) members, \(summary.artists) artists) -> \(outPath); member factors stored encrypted in the vault"
        }
        return 0
    }
}
