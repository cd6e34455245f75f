import BacklineCore
import BacklineModel
import Foundation

/// `backline train`: trains the factor model on a Last.fm-style TSV (member, artist, strength).
struct ModelTrainCommand: Command {
    let name = "train"
    let abstract = "Train the audience factor model on an interaction table"
    var discussion: String {
        "The table is tab-separated (member, artist, strength) with an optional header line.\nWith --tags (userID, artistID, tagID, …) artists get tag embeddings, so new artists with tags still score.\nThe model file (safetensors) holds artist factors, tag embeddings and metadata; never member factors.\nExample: backline train --train train.tsv --tags user_taggedartists.dat --out model.safetensors"
    }
    var options: [OptionSpec] {
        [
            .value("train", "TSV", "Interactions to train on (member, artist, strength)"),
            .value("tags", "FILE", "Tag assignments (member, artist, tag) for artist features"),
            .value("out", "MODEL", "Where to write the model file"),
            .value("factors", "N", "Latent factors (default 128)"),
            .value("regularization", "L", "λ on own factors (default 50)"),
            .value("feature-regularization", "L", "λ on tag embeddings (default 30)"),
            .value("weighting", "SPEC", "Confidence: log:ALPHA[:EPS], linear:ALPHA, bm25:ALPHA[:K1[:B]] (default log:2)"),
            .value("iterations", "N", "ALS sweeps (default 15)"),
            .value("threads", "N", "Worker threads (default 2)"),
            .value("seed", "N", "Initialisation seed (default 42)"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let trainPath = try arguments.required("train")
        let outPath = try arguments.required("out")
        var configuration = TrainingConfiguration()
        configuration.factors = try arguments.integer("factors", default: 128, in: 1...1024)
        configuration.regularization = Float(try arguments.double("regularization", default: 50, in: 1e-6...1e9))
        configuration.featureRegularization = Float(try arguments.double("feature-regularization", default: 30, in: 1e-6...1e9))
        configuration.iterations = try arguments.integer("iterations", default: 15, in: 0...1000)
        configuration.threads = try arguments.integer("threads", default: 2, in: 1...256)
        configuration.seed = UInt64(try arguments.integer("seed", default: 42, in: 0...Int.max))
        if let spec = arguments.value("weighting") { configuration.weighting = try ConfidenceWeighting(parsing: spec) }
        let table = try ModelCommandSupport.table(trainPath)
        guard !table.rows.isEmpty else { throw UsageError("\(trainPath) has no interactions") }
        let tagTable = try arguments.value("tags").map(ModelCommandSupport.table)
        let members = try IdentifierIndex(ModelCommandSupport.ordered(table.memberIdentifiers))
        let artistList = table.artistIdentifiers + (tagTable?.artistIdentifiers ?? [])
        let artists = try IdentifierIndex(ModelCommandSupport.ordered(InteractionTable.unique(artistList)))
        let interactions = try table.matrix(members: members, artists: artists, skipUnknown: false, source: trainPath)
        var features = SideFeatures.none(memberCount: members.count, artistCount: artists.count)
        var vocabulary = IdentifierIndex()
        let maximumPerRow = 200
        if let tagTable {
            let tags = try TagFeatures(table: tagTable, members: members, artists: artists, minimumCount: 1, maximumPerRow: maximumPerRow)
            features = SideFeatures(members: features.members, artists: tags.artists)
            vocabulary = tags.tags
        }
        let trainer = try ALSTrainer(configuration: configuration)
        let json = context.json
        let started = Date()
        let result = try trainer.train(interactions: interactions, features: features) { progress in
            if !json { context.note(String(format: "sweep %d: %.2f s", progress.iteration, progress.seconds)) }
        }
        let archive = try ModelArchive(
            model: result.model,
            artists: artists,
            artistFeatureVocabulary: vocabulary,
            memberFeatureVocabulary: IdentifierIndex(),
            extra: ["tag_maximum_per_row": String(maximumPerRow), "iterations": String(configuration.iterations)]
        )
        try AtomicFileWriter.write(archive.encode(), to: outPath)
        struct Summary: Encodable {
            let model: String
            let members: Int
            let artists: Int
            let tags: Int
            let factors: Int
            let seconds: Double
        }
        let summary = Summary(
            model: outPath,
            members: members.count,
            artists: artists.count,
            tags: vocabulary.count,
            factors: configuration.factors,
            seconds: Date().timeIntervalSince(started)
        )
        try context.report(summary) {
            "trained on \(interactions.entryCount) interactions: \(members.count) members, \(artists.count) artists, \(vocabulary.count) tags, \(configuration.factors) factors -> \(outPath)"
        }
        return 0
    }
}

/// `backline evaluate`: ranking metrics of a model on a held-out table.
struct ModelEvaluateCommand: Command {
    let name = "evaluate"
    let abstract = "Evaluate a model: NDCG, Recall, Precision, HR, MAP @K and AUC on held-out interactions"
    var discussion: String {
        "Members of --train are folded in (their factors solved from the model); each member with held-out\nitems ranks all artists with its train artists removed. Test pairs on artists unknown to the model\ncannot be ranked: they count as misses (reported as unrankable).\n"
            + VaultEvaluateQuery.discussion
    }
    var options: [OptionSpec] {
        [
            .value("model", "MODEL", "Model file"),
            .value("train", "TSV", "Interactions the members already have"),
            .value("test", "TSV", "Held-out interactions"),
            .value("tags", "FILE", "Tag file the model was trained with (if it uses tags)"),
            .value("k", "K", "Cut-off (default 10)"),
            .value("threads", "N", "Worker threads (default 2)"),
            .flag("cold-artists", "Cold-start evaluation: rank and count only artists without --train interactions"),
        ] + VaultEvaluateQuery.options
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        if arguments.value("vault") != nil { return try VaultEvaluateQuery.run(arguments, context) }
        let k = try arguments.integer("k", default: 10, in: 1...100_000)
        let threads = try arguments.integer("threads", default: 2, in: 1...256)
        let (archive, model) = try ModelCommandSupport.load(modelPath: arguments.required("model"), tagsPath: arguments.value("tags"))
        let trainPath = try arguments.required("train")
        let testPath = try arguments.required("test")
        let folded = try ModelCommandSupport.foldIn(
            ModelCommandSupport.table(trainPath),
            model: model,
            artists: archive.artists,
            threads: threads,
            source: trainPath
        )
        let testTable = try ModelCommandSupport.table(testPath)
        let unrankable = testTable.rows.filter { archive.artists.index(of: $0.artist) == nil && folded.members.index(of: $0.member) != nil }
            .count
        let test = try testTable.matrix(members: folded.members, artists: archive.artists, skipUnknown: true, source: testPath)
        var candidates: Set<Int>?
        if arguments.flag("cold-artists") {
            let warm = Set(folded.interactions.columns.map(Int.init))
            candidates = Set((0..<archive.artists.count).filter { !warm.contains($0) })
        }
        let metrics = try RankingEvaluator(k: k, includeAUC: true, threads: threads).evaluate(
            members: folded.representations,
            artists: model.artistRepresentations(),
            train: folded.interactions,
            test: test,
            candidates: candidates
        )
        struct Report: Encodable {
            let metrics: RankingMetrics
            let unrankableTestPairs: Int
        }
        try context.report(Report(metrics: metrics, unrankableTestPairs: unrankable)) {
            String(
                format:
                    "members %d  NDCG@%d %.4f  Recall %.4f  Precision %.4f  HR %.4f  MAP %.4f  AUC %.4f  (unrankable test pairs: %d, not counted)",
                metrics.members,
                k,
                metrics.ndcg,
                metrics.recall,
                metrics.precision,
                metrics.hitRate,
                metrics.map,
                metrics.auc,
                unrankable
            )
        }
        return 0
    }
}

/// `backline similar`: nearest artists in the learned space.
struct ModelSimilarCommand: Command {
    let name = "similar"
    let abstract = "List the artists nearest to an artist in the model's space (cosine)"
    var options: [OptionSpec] {
        [
            .value("model", "MODEL", "Model file"),
            .value("artist", "ID", "Artist identifier (with --vault also an artist's name)"),
            .value("top", "N", "Number of results (default 10)"),
            .value("tags", "FILE", "Tag file the model was trained with (if it uses tags)"),
        ] + VaultSimilarQuery.options
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        if arguments.value("vault") != nil { return try VaultSimilarQuery.run(arguments, context) }
        let top = try arguments.integer("top", default: 10, in: 1...1_000_000)
        let artistID = try arguments.required("artist")
        let (archive, model) = try ModelCommandSupport.load(modelPath: arguments.required("model"), tagsPath: arguments.value("tags"))
        let artist = try archive.artists.require(artistID, kind: "artist")
        let items = try Recommender(model: model).similar(artist: artist, top: top)
        try ModelCommandSupport.report(items, identifiers: archive.artists, header: "artists similar to \(artistID)", context: context)
        return 0
    }
}

/// `backline recommend`: artists for a member, folded in from its interactions.
struct ModelRecommendCommand: Command {
    let name = "recommend"
    let abstract = "Recommend artists to a member, excluding those it already has"
    var discussion: String {
        "The member's factor is solved locally from its rows in --train (member factors are never in the model).\nWith --vault: the member's stored factors; artists and upcoming shows, leaving out what the member already has."
    }
    var options: [OptionSpec] {
        [
            .value("model", "MODEL", "Model file"),
            .value("train", "TSV", "Interactions of the members (member, artist, strength)"),
            .value("member", "ID", "Member identifier"),
            .value("top", "N", "Number of results (default 10)"),
            .value("tags", "FILE", "Tag file the model was trained with (if it uses tags)"),
        ] + VaultRecommendQuery.options
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        if arguments.value("vault") != nil { return try VaultRecommendQuery.run(arguments, context) }
        let top = try arguments.integer("top", default: 10, in: 1...1_000_000)
        let memberID = try arguments.required("member")
        let (archive, model) = try ModelCommandSupport.load(modelPath: arguments.required("model"), tagsPath: arguments.value("tags"))
        let trainPath = try arguments.required("train")
        let rows = try ModelCommandSupport.table(trainPath).rows.filter { $0.member == memberID }
        guard !rows.isEmpty else { throw ModelError.unknownIdentifier("member", memberID) }
        let artists = archive.artists
        let members = try IdentifierIndex([memberID])
        var triples: [(row: Int, column: Int, value: Float)] = []
        for (number, row) in rows.enumerated() {
            guard let artist = artists.index(of: row.artist) else { continue }
            guard let value = Float(row.third), value.isFinite, value >= 0 else {
                throw ModelError.malformed("\(trainPath): member \(memberID) row \(number + 1) has an invalid strength '\(row.third)'")
            }
            triples.append((0, artist, value))
        }
        let interactions = try SparseMatrix(rowCount: 1, columnCount: artists.count, triples: triples)
        let folded = try model.foldInMembers(
            interactions: interactions,
            memberFeatures: .empty(rowCount: members.count, columnCount: model.memberFeatureCount)
        )
        let owned = Set(interactions.columns.map(Int.init))
        let items = try Recommender(model: model).recommend(member: folded.representations.row(0), excluding: owned, top: top)
        try ModelCommandSupport.report(items, identifiers: artists, header: "recommendations for member \(memberID)", context: context)
        return 0
    }
}
