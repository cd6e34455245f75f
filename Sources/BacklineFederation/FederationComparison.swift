internal import BacklineCore
public import BacklineModel
public import BacklinePrivacy

/// The quality comparison the simulation prints: NDCG@k of each promoter's members on their own
/// test items under the federated model, a model trained by the promoter alone, and a model
/// trained centrally on everyone's data pooled (ALS with the same hyper-parameters).
public struct FederationComparison: Sendable {
    /// The promoters' training data.
    public let promoters: [PromoterData]
    /// Each promoter's held-out interactions (same shape as its training table).
    public let tests: [SparseMatrix]
    /// The model layout and hyper-parameters.
    public let specification: ModelSpecification
    /// Cut-off k of NDCG@k.
    public let cutoff: Int
    /// Threads for training and evaluation.
    public let threads: Int

    /// A comparison; throws `shape_mismatch` when a test table does not match its promoter's table.
    public init(
        promoters: [PromoterData],
        tests: [SparseMatrix],
        specification: ModelSpecification,
        cutoff: Int = 10,
        threads: Int = 1
    ) throws {
        guard promoters.count == tests.count, !promoters.isEmpty else {
            throw FederationError.shapeMismatch("comparison", "\(promoters.count) promoters but \(tests.count) test tables")
        }
        for (data, test) in zip(promoters, tests)
        where test.rowCount != data.memberCount || test.columnCount != data.interactions.columnCount {
            throw FederationError.shapeMismatch("test table of '\(data.name)'", "\(test.rowCount) x \(test.columnCount)")
        }
        self.promoters = promoters
        self.tests = tests
        self.specification = specification
        self.cutoff = cutoff
        self.threads = threads
    }

    /// Metrics of promoter `index` with member representations `members` and artist representations `artists`.
    public func metrics(promoter index: Int, members: DenseMatrix, artists: DenseMatrix) throws -> RankingMetrics {
        try RankingEvaluator(k: cutoff, includeAUC: false, threads: threads)
            .evaluate(members: members, artists: artists, train: promoters[index].interactions, test: tests[index])
    }

    /// Per-promoter metrics under global parameters `global` (members folded in locally).
    public func federated(_ global: ParameterSet) throws -> [RankingMetrics] {
        try promoters.indices.map { try federated(promoter: $0, global) }
    }

    /// Promoter `index`'s own fine-tuned copy of `global`: `rounds` more rounds of `optimizer` on its
    /// own data alone, on the node (non-private: nothing leaves the promoter, the result is used
    /// only for its own members' rankings). `progress` gets each round's parameters, so a caller
    /// can score several fine-tuning lengths in one run.
    /// - Throws: `invalid_parameter` for negative rounds; the node's and trainer's errors.
    public func fineTuned(
        promoter index: Int,
        global: ParameterSet,
        rounds: Int,
        optimizer: ServerOptimizer,
        progress: (Int, ParameterSet) throws -> Void = { _, _ in }
    ) throws -> ParameterSet {
        guard rounds >= 0 else { throw FederationError.invalidParameter("fine-tuning rounds", rounds, expected: "≥ 0") }
        guard promoters.indices.contains(index) else {
            throw FederationError.invalidParameter("promoter index", index, expected: "0..<\(promoters.count)")
        }
        let node = try NodeRound(
            data: promoters[index],
            specification: specification,
            samplingRate: 1,
            samplingSeed: SecureBytes(zeroedCount: PoissonSampler.seedCount),
            privacy: nil,
            ledger: nil,
            threads: threads
        )
        let trainer = try FederatedTrainer(specification: specification, initial: global, optimizer: optimizer, minimumContributions: 1)
        var simulation = try FederatedSimulation(nodes: [node], trainer: trainer)
        var unused = SecureNoiseSource()
        for round in 0..<rounds {
            _ = try simulation.runRound(noise: &unused)
            try progress(round + 1, simulation.trainer.parameters)
        }
        return simulation.trainer.parameters
    }

    /// Metrics of promoter `index` under global parameters `global` (members folded in locally).
    public func federated(promoter index: Int, _ global: ParameterSet) throws -> RankingMetrics {
        let model = try specification.model(global)
        let members = try model.foldInMembers(
            interactions: promoters[index].interactions,
            memberFeatures: promoters[index].memberFeatures,
            threads: threads
        ).representations
        return try metrics(promoter: index, members: members, artists: model.artistRepresentations())
    }

    /// Per-promoter metrics of ALS trained by each promoter on its own data (`iterations` sweeps).
    public func alone(iterations: Int, seed: UInt64) throws -> [RankingMetrics] {
        let trainer = try ALSTrainer(
            configuration: specification.trainingConfiguration(iterations: iterations, threads: threads, seed: seed)
        )
        return try promoters.indices.map { index in
            let data = promoters[index]
            let result = try trainer.train(
                interactions: data.interactions,
                features: SideFeatures(members: data.memberFeatures, artists: specification.artistFeatures)
            )
            return try metrics(promoter: index, members: result.memberRepresentations, artists: result.model.artistRepresentations())
        }
    }

    /// Per-promoter metrics of ALS trained centrally on all promoters' data pooled.
    public func pooled(iterations: Int, seed: UInt64) throws -> [RankingMetrics] {
        let trainer = try ALSTrainer(
            configuration: specification.trainingConfiguration(iterations: iterations, threads: threads, seed: seed)
        )
        let interactions = try SparseStacking.stacked(promoters.map(\.interactions))
        let features = try SparseStacking.stacked(promoters.map(\.memberFeatures))
        let result = try trainer.train(
            interactions: interactions,
            features: SideFeatures(members: features, artists: specification.artistFeatures)
        )
        let artists = result.model.artistRepresentations()
        var start = 0
        return try promoters.indices.map { index in
            let range = start..<(start + promoters[index].memberCount)
            start = range.upperBound
            return try metrics(promoter: index, members: SparseStacking.rows(range, of: result.memberRepresentations), artists: artists)
        }
    }
}
