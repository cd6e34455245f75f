import BacklineCore
public import Foundation

/// One privacy-ledger entry as the aggregator sees it: a release charged to a promoter.
public struct LedgerEntryRecord: Sendable, Hashable {
    /// Store-assigned id (0 before insertion).
    public var id: Int64
    /// The promoter charged.
    public var promoterID: String
    /// The training round, when the release was a round update.
    public var round: Int64?
    /// The analytics query name, when the release was a query.
    public var query: String?
    /// Mechanism name, e.g. `"gaussian"`.
    public var mechanism: String
    /// Mechanism parameters as JSON text (sigma, clipping norm, sampling rate…).
    public var parametersJSON: String
    /// Epsilon spent (finite, non-negative).
    public var epsilon: Double
    /// Delta of the (epsilon, delta) statement (finite, in [0, 1)).
    public var delta: Double
    /// When it was recorded.
    public var recordedAt: Date

    /// Creates an entry; `id` is assigned by the store.
    public init(
        id: Int64 = 0,
        promoterID: String,
        round: Int64? = nil,
        query: String? = nil,
        mechanism: String,
        parametersJSON: String,
        epsilon: Double,
        delta: Double,
        recordedAt: Date
    ) {
        self.id = id
        self.promoterID = promoterID
        self.round = round
        self.query = query
        self.mechanism = mechanism
        self.parametersJSON = parametersJSON
        self.epsilon = epsilon
        self.delta = delta
        self.recordedAt = recordedAt
    }
}
