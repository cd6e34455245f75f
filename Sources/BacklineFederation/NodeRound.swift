public import BacklineCore
public import BacklineModel
public import BacklinePrivacy
internal import Foundation

/// One promoter's side of federated training, in process and without I/O.
///
/// Each ``run(round:global:noise:)``:
/// 1. takes the current global parameters;
/// 2. Poisson-samples members at rate q with the node's secret seed (q = 1 takes everyone);
/// 3. solves each sampled member's own factor in closed form (exact Cholesky; the factors stay in
///    this value as local state and never leave it);
/// 4. for each sampled member computes the whole gradient of its loss with respect to the global
///    parameters (artist factors and both feature embeddings: the privacy unit is the member),
///    rejects NaN/Inf, clips it to C and sums, on `threads` threads (``MemberContributionSum``:
///    per-thread partial sums merged in a fixed order);
/// 5. adds N(0, (zC)²) per coordinate from the exact lattice Gaussian fed by the caller's
///    ``NoiseRandomSource`` (``SecureNoiseSource`` in production) and noises the count;
/// 6. releases only the noised sum and count. The ledger is charged before any of 2–5 runs: a round
///    over budget throws `budget_exceeded` and nothing is computed or released.
///
/// In non-private mode (no ``PrivacySettings``) the exact sum and count are released and nothing is
/// charged: that mode exists only for comparisons.
public struct NodeRound: Sendable {
    /// The promoter's name.
    public var name: String { data.name }
    /// The privacy ledger (nil in non-private mode).
    public private(set) var ledger: PrivacyLedger?
    /// The DP settings (nil in non-private mode).
    public let privacy: PrivacySettings?
    /// The Poisson sampling rate q.
    public let samplingRate: Double
    /// Local member own factors (local state; never released): all rows are solved afresh in a round
    /// with q = 1; with q < 1 a round solves only its sampled members and refreshes their rows,
    /// the others keep the factors of the last round that sampled them (zero before).
    public private(set) var memberFactors: DenseMatrix
    let data: PromoterData
    private let specification: ModelSpecification
    private let sampler: PoissonSampler
    private let confidence: SparseMatrix
    private let threads: Int

    /// A node over `data`.
    /// - Parameters:
    ///   - samplingSeed: 32 secret bytes keying the Poisson sampler.
    ///   - privacy: DP settings, or nil for the non-private comparison mode.
    ///   - ledger: the promoter's ledger; required when `privacy` is set.
    ///   - threads: threads for the closed-form member solves and for the per-member gradient, clip
    ///     and sum (mergeable per-thread partial sums; noise is added once after the merge). With DP
    ///     the release does not depend on it; without DP it is deterministic for a given value.
    /// - Throws: `invalid_parameter` for a missing ledger or a bad rate or seed.
    public init(
        data: PromoterData,
        specification: ModelSpecification,
        samplingRate: Double,
        samplingSeed: SecureBytes,
        privacy: PrivacySettings?,
        ledger: PrivacyLedger?,
        threads: Int = NodeRound.availableThreads
    ) throws {
        if privacy != nil, ledger == nil {
            throw FederationError.invalidParameter("ledger of '\(data.name)'", "none", expected: "a ledger when privacy is on")
        }
        guard threads >= 1 else { throw FederationError.invalidParameter("threads", threads, expected: "≥ 1") }
        self.data = data
        self.specification = specification
        self.samplingRate = samplingRate
        self.sampler = try PoissonSampler(rate: samplingRate, seed: samplingSeed)
        self.privacy = privacy
        self.ledger = ledger
        self.confidence = specification.weighting.extraConfidence(for: data.interactions)
        self.memberFactors = DenseMatrix(rows: data.memberCount, columns: specification.factors)
        self.threads = threads
    }

    /// The threads a node uses unless told otherwise: the active processors.
    public static var availableThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// What the ledger charges per round.
    public var accountedParameters: MechanismParameters? {
        guard let privacy else { return nil }
        return MechanismParameters(
            noiseMultiplier: CountRelease.noised(multiplier: privacy.countNoiseMultiplier).combinedMultiplier(
                withSum: privacy.noiseMultiplier
            ),
            samplingRate: samplingRate,
            sensitivity: privacy.clipNorm
        )
    }

    /// Runs round `round` on `global` (see the type's steps) and returns the release.
    /// - Throws: `budget_exceeded` before any work when the round would overspend; `shape_mismatch`
    ///   for parameters that do not fit the specification; the mechanism's errors.
    public mutating func run(round: UInt64, global: ParameterSet, noise: inout some NoiseRandomSource) throws -> NodeRelease {
        let model: FactorModel
        do { model = try specification.model(global) } catch {
            throw FederationError.shapeMismatch("global parameters for '\(name)'", "\(error)")
        }
        let kernel = MemberGradientKernel(model: model)
        // The mechanism is built (and its parameters checked) before the charge, so a bad setting
        // costs no budget; nothing touches member data before the charge.
        var sink = try ContributionSink(privacy: privacy, parameterCount: kernel.parameterCount)
        if let parameters = accountedParameters {
            try ledger!.charge(.trainingRound, label: "round \(round)", parameters: parameters)
        }
        let sampled = try sampler.sample(memberCount: data.memberCount, round: round)
        let contributions: MemberContributionSum
        if sampled.count == data.memberCount {
            let solved = try model.foldInMembers(interactions: data.interactions, memberFeatures: data.memberFeatures, threads: threads)
            memberFactors = solved.own
            contributions = MemberContributionSum(
                kernel: kernel,
                confidence: confidence,
                features: data.memberFeatures,
                representations: solved.representations,
                own: solved.own
            )
        } else {
            // q < 1: only the sampled members are solved (their closed-form factors do not depend
            // on anyone else's), on tables of just their rows.
            let features = try SparseStacking.rows(sampled, of: data.memberFeatures)
            let solved = try model.foldInMembers(
                interactions: SparseStacking.rows(sampled, of: data.interactions),
                memberFeatures: features,
                threads: threads
            )
            memberFactors = try Self.replacingRows(sampled, of: memberFactors, with: solved.own)
            contributions = MemberContributionSum(
                kernel: kernel,
                confidence: try SparseStacking.rows(sampled, of: confidence),
                features: features,
                representations: solved.representations,
                own: solved.own
            )
        }
        try contributions.add(Array(0..<sampled.count), into: &sink, threads: threads)
        let (values, count) = sink.release(using: &noise)
        return NodeRelease(node: name, round: round, gradientSum: values, count: count, isPrivate: privacy != nil)
    }

    /// `matrix` with row `rows[i]` replaced by row i of `replacement`.
    private static func replacingRows(_ rows: [Int], of matrix: DenseMatrix, with replacement: DenseMatrix) throws -> DenseMatrix {
        var storage = matrix.storage
        let k = matrix.columns
        for (position, row) in rows.enumerated() {
            storage.replaceSubrange(row * k..<(row + 1) * k, with: replacement.storage[position * k..<(position + 1) * k])
        }
        return try DenseMatrix(rows: matrix.rows, columns: k, storage: storage)
    }

    /// The promoter's members' representations under `global` (own factor solved locally plus
    /// feature embeddings), for local evaluation and queries.
    public func memberRepresentations(global: ParameterSet) throws -> DenseMatrix {
        try specification.model(global).foldInMembers(
            interactions: data.interactions,
            memberFeatures: data.memberFeatures,
            threads: threads
        ).representations
    }
}
