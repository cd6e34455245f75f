import BacklineCore
public import Foundation

/// An update as a promoter submits it, before the store acknowledges it.
public struct UpdateSubmission: Sendable, Hashable {
    /// The round it belongs to.
    public var round: Int64
    /// The submitting promoter's identity (SPIFFE id or name).
    public var promoterID: String
    /// The serialised (clipped, noised) update.
    public var payload: [UInt8]
    /// SHA-256 of `payload`, computed by the caller (32 bytes).
    public var digest: [UInt8]
    /// The update's L2 norm (finite, non-negative).
    public var norm: Double
    /// The number of members/samples it summarises (non-negative).
    public var sampleCount: Int64
    /// When the aggregator received it.
    public var receivedAt: Date

    /// Creates a submission.
    public init(
        round: Int64,
        promoterID: String,
        payload: [UInt8],
        digest: [UInt8],
        norm: Double,
        sampleCount: Int64,
        receivedAt: Date
    ) {
        self.round = round
        self.promoterID = promoterID
        self.payload = payload
        self.digest = digest
        self.norm = norm
        self.sampleCount = sampleCount
        self.receivedAt = receivedAt
    }

    /// Whether `existing` (same round and promoter) holds exactly these bytes. The digests are
    /// compared, and the bytes too when the row was read with them (an empty payload: discarded,
    /// or kept in the payload spool under a name bound to its digest).
    func isIdentical(to existing: UpdateRecord) -> Bool {
        existing.digest == digest && (existing.payload.isEmpty || existing.payload == payload)
    }

    /// The rule every backend applies, given the locked `round` and the stored update of the same
    /// promoter: identical bytes → the existing receipt (idempotent, even after the round
    /// closed); different bytes → conflict; closed or past-deadline round → round_closed;
    /// otherwise nil: insert it.
    func admission(into round: RoundRecord, existing: UpdateRecord?) throws -> UpdateReceipt? {
        if let existing {
            guard isIdentical(to: existing) else {
                throw StoreError.conflict("update", key: "round \(self.round), promoter \(promoterID)")
            }
            return existing.receipt
        }
        guard round.state.acceptsUpdates else { throw StoreError.roundClosed(round.id, state: round.state.rawValue) }
        guard receivedAt <= round.deadline else { throw StoreError.roundClosed(round.id, state: "past its deadline") }
        return nil
    }
}
