public import BacklineAnalytics
import BacklineCore
import BacklineCrypto
import BacklinePrivacy
public import BacklineStore
public import Foundation

/// Federated analytics queries as a persisted state machine (open → closing → published | failed)
/// over the ``FederationStore``: opening, accepting each promoter's noised histogram once, and
/// summing them exactly once. Synchronous and blocking: call it on a `BlockingExecutor` thread.
public struct AnalyticsCoordinator: Sendable {
    /// What closing a query produced, before it is committed.
    public struct Summary: Sendable, Hashable {
        /// The result to publish, if at least `min_contributors` valid histograms arrived.
        public let result: AnalyticsResult?
        /// Why nothing is published, otherwise.
        public let failureReason: String?
    }

    /// The store.
    public let store: any FederationStore
    /// How long a claimed query may stay `closing` before another closer takes it over.
    public static let staleClaim: TimeInterval = 60
    /// The mechanism name the aggregator's ledger records for a histogram.
    public static let ledgerMechanism = "gaussian_histogram"

    /// A coordinator over `store`.
    public init(store: any FederationStore) { self.store = store }

    /// Opens a query.
    /// - Throws: ``StoreError`` `invalid_input` (e.g. `min_contributors` < 3).
    public func open(
        _ parameters: AnalyticsQueryParameters,
        minContributors: Int64,
        deadline: Date,
        now: Date = Date()
    ) throws
        -> AnalyticsQueryRecord
    {
        let record = AnalyticsQueryRecord(
            parametersJSON: try parameters.encoded(),
            minContributors: minContributors,
            deadline: deadline,
            createdAt: now
        )
        return try store.withTransaction { try $0.createAnalyticsQuery(record) }
    }

    /// Query `id`, if any.
    public func query(_ id: Int64) throws -> AnalyticsQueryRecord? { try store.withTransaction { try $0.analyticsQuery(id) } }

    /// The newest query, if any.
    public func latestQuery() throws -> AnalyticsQueryRecord? { try store.withTransaction { try $0.latestAnalyticsQuery() } }

    /// Every query due at `now` (see ``isDue(_:at:)``), oldest first, read in one transaction.
    /// Reads only open and closing queries (indexed by state), not every query ever opened.
    public func dueQueries(at now: Date) throws -> [AnalyticsQueryRecord] {
        try store.withTransaction { try $0.analyticsQueries(in: [.open, .closing]) }.filter { Self.isDue($0, at: now) }
    }

    /// The stored parameters of `record`.
    public func parameters(of record: AnalyticsQueryRecord) throws -> AnalyticsQueryParameters {
        try AnalyticsQueryParameters.decode(record.parametersJSON, query: record.id)
    }

    /// Whether `record` takes histograms at `now`.
    public static func isAccepting(_ record: AnalyticsQueryRecord, at now: Date) -> Bool {
        record.state.acceptsHistograms && now <= record.deadline
    }

    /// Whether `record` should be closed at `now`: open past its deadline, or left `closing` by a
    /// closer that stopped.
    public static func isDue(_ record: AnalyticsQueryRecord, at now: Date) -> Bool {
        (record.state == .open && now > record.deadline)
            || (record.state == .closing && record.updatedAt < now.addingTimeInterval(-staleClaim))
    }

    /// Stores `node`'s validated histogram `body` and, the first time, records its privacy cost in
    /// the aggregator's ledger, in one transaction. Returns the stored record and whether it is new.
    /// - Throws: ``StoreError`` `conflict` (other bytes already stored), `round_closed`.
    func submit(
        _ body: [UInt8],
        envelope: AnalyticsHistogramEnvelope,
        query: AnalyticsQueryRecord,
        now: Date
    ) throws
        -> (record: AnalyticsHistogramRecord, isNew: Bool)
    {
        let submission = AnalyticsHistogramSubmission(
            queryID: query.id,
            promoterID: envelope.node,
            payload: body,
            digest: SHA256.hash(body),
            receivedAt: now
        )
        let mechanism = MechanismParameters(
            noiseMultiplier: envelope.noiseMultiplier,
            samplingRate: 1,
            steps: 1,
            sensitivity: (2 * Double(envelope.histogram.query.maxCellsPerMember)).squareRoot()
        )
        let json =
            "{\"noise_multiplier\":\(mechanism.noiseMultiplier),\"sensitivity\":\(mechanism.sensitivity),\"sampling_rate\":1,\"steps\":1}"
        return try store.withTransaction { transaction in
            let known = try transaction.analyticsHistograms(query: query.id).contains { $0.promoterID == envelope.node }
            let record = try transaction.submitAnalyticsHistogram(submission)
            if !known {
                _ = try transaction.appendLedgerEntry(
                    LedgerEntryRecord(
                        promoterID: envelope.node,
                        round: nil,
                        query: "analytics:\(query.id):\(envelope.histogram.query.name)",
                        mechanism: Self.ledgerMechanism,
                        parametersJSON: json,
                        epsilon: envelope.epsilon,
                        delta: envelope.delta,
                        recordedAt: now
                    )
                )
            }
            return (record, !known)
        }
    }

    /// The promoters that have submitted to query `id`.
    func contributors(_ id: Int64) throws -> [String] {
        try store.withTransaction { try $0.analyticsHistograms(query: id) }.map(\.promoterID)
    }

    /// Claims query `id` for closing; true for exactly one caller.
    public func claim(_ id: Int64, now: Date = Date()) throws -> Bool {
        try store.withTransaction { try $0.claimAnalyticsQuery(id, at: now, staleBefore: now.addingTimeInterval(-Self.staleClaim)) }
    }

    /// Gives a claimed query back (its closer could not finish); it is closed again later.
    public func release(_ id: Int64, now: Date = Date()) throws {
        try store.withTransaction { try $0.releaseAnalyticsQuery(id, at: now) }
    }

    /// Sums the stored histograms of claimed query `id`: each is decoded and re-validated; fewer
    /// than `min_contributors` valid ones publish nothing.
    public func summarise(_ id: Int64) throws -> Summary {
        guard let record = try query(id) else { throw StoreError.notFound("analytics query", key: String(id)) }
        let parameters = try parameters(of: record)
        var histograms: [NoisedHistogram] = []
        var contributors: [String] = []
        for stored in try store.withTransaction({ try $0.analyticsHistograms(query: id) }) {
            guard let envelope = try? AnalyticsHistogramEnvelope(decoding: stored.payload), envelope.node == stored.promoterID,
                envelope.queryID == id, envelope.validate(against: parameters) == nil
            else { continue }
            histograms.append(envelope.histogram)
            contributors.append(stored.promoterID)
        }
        let needed = max(3, Int(record.minContributors))
        guard histograms.count >= needed else {
            return Summary(result: nil, failureReason: "too_few_contributors: \(histograms.count) of \(needed)")
        }
        let combined = try HistogramCombiner.combine(histograms)
        return Summary(
            result: AnalyticsResult(
                queryID: id,
                query: parameters.query,
                epsilon: parameters.epsilon,
                delta: parameters.delta,
                contributors: contributors,
                combined: combined
            ),
            failureReason: nil
        )
    }

    /// Commits `summary` for claimed query `id` (and empties the stored histograms' payloads).
    public func finish(_ id: Int64, _ summary: Summary, now: Date = Date()) throws -> AnalyticsQueryRecord {
        let json: String? = try summary.result.map { result in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(result), as: UTF8.self)
        }
        return try store.withTransaction {
            try $0.finishAnalyticsQuery(id, resultJSON: json, failureReason: json == nil ? summary.failureReason ?? "failed" : nil, at: now)
        }
    }

    /// The published result of `record`, if it has one.
    public func result(of record: AnalyticsQueryRecord) throws -> AnalyticsResult? {
        guard let text = record.resultJSON else { return nil }
        do { return try JSONDecoder().decode(AnalyticsResult.self, from: Data(text.utf8)) } catch {
            throw AggregatorError.malformedTensor("analytics query \(record.id)", "its stored result does not decode")
        }
    }
}
