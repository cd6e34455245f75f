internal import BacklineCore
internal import BacklineFederation
internal import BacklineModel
internal import BacklineNode
internal import BacklineVault
import Foundation

/// `backline federation`: what the parties agree on before training, and an evaluation aid.
struct FederationCommand: Command {
    let name = "federation"
    let abstract = "Create the federation's initial model; compare federated, alone and pooled quality"
    var subcommands: [any Command] { [FederationInitCommand(), FederationCompareCommand()] }
}

/// `backline federation init`.
struct FederationInitCommand: Command {
    let name = "init"
    let abstract = "Write the federation's initial model: the artist catalogue, feature vocabularies and hyper-parameters"
    var discussion: String {
        """
        The initial model (the aggregator's `initial_model`, served as version 0) is a model file whose
        metadata names the federation's artist catalogue and the artist- and member-feature
        vocabularies, and whose tensors are the starting global parameters drawn from the public seed.
        The catalogue and the vocabularies are read from a vault (artists and genres are the public
        catalogue; member feature names are category labels such as age:25-34, never member data);
        --member-features adds labels other promoters use (one per line).
        Example: backline federation init --vault v --key-file k.kek --factors 32 --out initial.safetensors
        """
    }
    var options: [OptionSpec] {
        vaultOptions + [
            .value("out", "FILE", "Where to write the initial model"),
            .value("member-features", "FILE", "More member feature labels, one per line"),
            .value("factors", "N", "Latent factors (default 32)"),
            .value("regularization", "L", "λ on own factors in the federation's objective (default 3)"),
            .value("feature-regularization", "L", "λ on feature embeddings in the federation's objective (default 3)"),
            .value("weighting", "SPEC", "Confidence: log:ALPHA[:EPS], linear:ALPHA, bm25:ALPHA[:K1[:B]] (default log:2)"),
            .value("seed", "N", "Public seed of the initial parameters (default 42)"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let outPath = try arguments.required("out")
        let factors = try arguments.integer("factors", default: 32, in: 1...MemberFactorState.maximumFactors)
        let regularization = Float(try arguments.double("regularization", default: 3, in: 1e-6...1e9))
        let featureRegularization = Float(try arguments.double("feature-regularization", default: 3, in: 1e-6...1e9))
        let weighting = try arguments.value("weighting").map(ConfidenceWeighting.init(parsing:)) ?? .log(alpha: 2)
        let seed = UInt64(try arguments.integer("seed", default: 42, in: 0...Int.max))
        var memberLabels = Set<String>()
        if let path = arguments.value("member-features") {
            let text = String(decoding: try FileAccess.readAll(path), as: UTF8.self)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let label = line.trimmingCharacters(in: .whitespaces)
                if label.isEmpty { continue }
                guard label.utf8.count <= 200, !label.contains(",") else {
                    throw UsageError("\(path) line \(index + 1): a label must be at most 200 bytes without a comma")
                }
                memberLabels.insert(label)
            }
        }
        let view = try VaultData.load(from: try openVaultStreams(arguments, create: false)).trainingView()
        let memberVocabulary = try IdentifierIndex(view.memberFeatureNames + memberLabels.subtracting(view.memberFeatureNames).sorted())
        let specification = try ModelSpecification(
            artistFeatures: try NodeModelSupport.sparse(view.artistFeatures),
            memberFeatureCount: memberVocabulary.count,
            factors: factors,
            regularization: regularization,
            featureRegularization: featureRegularization,
            weighting: weighting
        )
        let parameters = try specification.initialParameters(seed: seed, scale: 0.1)
        let archive = try ModelArchive(
            model: try specification.model(parameters),
            artists: IdentifierIndex(view.artistIDs.map(String.init)),
            artistFeatureVocabulary: IdentifierIndex(view.artistFeatureNames),
            memberFeatureVocabulary: memberVocabulary,
            extra: ["source": "federation-init", "seed": String(seed), "feature_regularization": String(featureRegularization)]
        )
        let bytes = try archive.encode()
        try AtomicFileWriter.write(bytes, to: outPath, mode: 0o644)
        struct Summary: Encodable {
            let out: String
            let artists: Int
            let artistFeatures: Int
            let memberFeatures: Int
            let factors: Int
            let parameters: Int
            let sha256: String
            enum CodingKeys: String, CodingKey {
                case out, artists, factors, parameters, sha256
                case artistFeatures = "artist_features"
                case memberFeatures = "member_features"
            }
        }
        let summary = Summary(
            out: outPath,
            artists: view.artistIDs.count,
            artistFeatures: view.artistFeatureNames.count,
            memberFeatures: memberVocabulary.count,
            factors: factors,
            parameters: parameters.scalarCount,
            sha256: String(NodeModelSupport.modelTag(bytes).dropFirst("sha256:".count))
        )
        try context.report(summary) {
            "wrote \(outPath): \(summary.artists) artists, \(summary.artistFeatures) artist and \(summary.memberFeatures) member features, \(factors) factors, \(summary.parameters) parameters (sha256 \(summary.sha256.prefix(16))…)"
        }
        return 0
    }
}

/// `backline federation compare`.
struct FederationCompareCommand: Command {
    let name = "compare"
    let abstract = "NDCG@10 of a federated model against each promoter alone and all data pooled (evaluation only)"
    var discussion: String {
        """
        For demonstrations and evaluations, not for production: it opens every named node's vault
        (so it needs every promoter's key) and trains the pooled baseline on all their data together,
        which a real federation never does. Each promoter is measured on the held-out interactions its
        node validates on (the same deterministic split), with members folded in on the rest. All
        three models fold members in with the same λ (--regularization, --feature-regularization;
        defaults 50 and 30 as 'model train'), which also trains the two ALS baselines: member factors
        are local, so each promoter picks its own fold-in λ whatever the federation trained with.
        Example: backline federation compare --config p1/node.json --config p2/node.json --model p1/state/model-latest.safetensors
        """
    }
    var options: [OptionSpec] {
        [
            .value("config", "FILE", "A node configuration (repeat for every promoter)", repeatable: true),
            .value("model", "FILE", "The federated model (default: the first node's latest model)"),
            .value("iterations", "N", "ALS sweeps of the alone and pooled baselines (default 15)"),
            .value("regularization", "L", "λ of the fold-in and the baselines (default 50)"),
            .value("feature-regularization", "L", "λ_f of the fold-in and the baselines (default 30)"),
            .value("threads", "N", "Worker threads (default 2)"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let paths = arguments.values("config")
        guard !paths.isEmpty else { throw UsageError("give at least one --config") }
        let iterations = try arguments.integer("iterations", default: 15, in: 0...1000)
        let threads = try arguments.integer("threads", default: 2, in: 1...256)
        let sessions = try paths.map { try NodeSession(configuration: try NodeConfiguration.load(path: $0)) }
        let modelPath = arguments.value("model") ?? sessions[0].latestModelPath
        let federatedArchive = try ModelArchive(bytes: try FileAccess.readAll(modelPath))
        let initial = try ModelArchive(bytes: try FileAccess.readAll(sessions[0].federationModelPath))
        let holdout = try HoldoutSplit(fraction: sessions[0].configuration.holdoutFraction, seed: NodeRunner.holdoutSeed)
        let views = try sessions.map { session in
            try NodeFederationView(
                name: session.configuration.name,
                view: try VaultData.load(from: session.vault).trainingView(),
                archive: initial,
                holdout: holdout
            )
        }
        let agreed = views[0].specification
        let specification = try ModelSpecification(
            artistFeatures: agreed.artistFeatures,
            memberFeatureCount: agreed.memberFeatureCount,
            factors: agreed.factors,
            regularization: Float(try arguments.double("regularization", default: 50, in: 1e-6...1e9)),
            featureRegularization: Float(try arguments.double("feature-regularization", default: 30, in: 1e-6...1e9)),
            weighting: agreed.weighting
        )
        let comparison = try FederationComparison(
            promoters: views.map(\.train),
            tests: views.map(\.test),
            specification: specification,
            threads: threads
        )
        context.note(
            "compare: federated model \(modelPath); training \(views.count) alone baselines and the pooled one (\(iterations) sweeps)"
        )
        let federated = try comparison.federated(federatedArchive.parameters)
        let alone = try comparison.alone(iterations: iterations, seed: 42)
        let pooled = try comparison.pooled(iterations: iterations, seed: 42)
        struct Row: Encodable {
            let promoter: String
            let members: Int
            let alone: Double
            let federated: Double
            let pooled: Double
        }
        let rows = views.indices.map { index in
            Row(
                promoter: views[index].train.name,
                members: views[index].train.memberCount,
                alone: alone[index].ndcg,
                federated: federated[index].ndcg,
                pooled: pooled[index].ndcg
            )
        }
        try context.report(rows) {
            (["promoter        members   alone  federated  pooled"]
                + rows.map {
                    String(format: "%-14@ %8d  %.4f     %.4f  %.4f", $0.promoter as NSString, $0.members, $0.alone, $0.federated, $0.pooled)
                }).joined(separator: "\n")
        }
        return 0
    }
}
