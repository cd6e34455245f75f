import BacklineCore
public import Foundation

/// What can be done inside one transaction of a ``FederationStore``. Every call validates its
/// input (sizes, NaN/Inf, lengths) before touching the database.
public protocol FederationTransaction: AnalyticsTransaction {
    /// Inserts a new round; a round with the same id is a ``StoreError/Code/conflict``.
    func createRound(_ round: RoundRecord) throws
    /// The round with `id`, if any.
    func round(_ id: Int64) throws -> RoundRecord?
    /// Rounds in any of `states` (all when nil), by id.
    func rounds(in states: Set<RoundState>?) throws -> [RoundRecord]
    /// Moves round `id` to `state` (checked by ``RoundState/canTransition(to:)``) and returns it.
    func transitionRound(_ id: Int64, to state: RoundState, at time: Date) throws -> RoundRecord
    /// Moves round `id` from open/collecting to aggregating, recording `claimToken`; true for the
    /// one caller that made the move (or that already made it with the same token).
    func claimRoundForAggregation(_ id: Int64, claimToken: String, at time: Date) throws -> Bool

    /// Stores an update, or returns the existing receipt for identical bytes; different bytes for
    /// the same (round, promoter) are a ``StoreError/Code/conflict``; a closed round is
    /// ``StoreError/Code/roundClosed``. The first update moves an open round to collecting.
    func submitUpdate(_ submission: UpdateSubmission) throws -> UpdateReceipt
    /// The updates of round `round`, by promoter id.
    func updates(inRound round: Int64) throws -> [UpdateRecord]
    /// The updates of round `round`, by promoter id, with empty payloads (digests, receipts and
    /// metadata only; nothing large is read).
    func updatesWithoutPayloads(inRound round: Int64) throws -> [UpdateRecord]
    /// The update of `promoterID` in round `round`, payload included, if any.
    func update(inRound round: Int64, promoterID: String) throws -> UpdateRecord?
    /// How many updates round `round` holds (one per promoter), without reading their payloads.
    func updateCount(inRound round: Int64) throws -> Int
    /// Empties the payloads of round `round` once it is published or failed, keeping digest,
    /// receipt and metadata (raw per-promoter updates are not kept after aggregation); returns how
    /// many were discarded. A round still open, collecting or aggregating is
    /// ``StoreError/Code/invalidTransition``.
    func discardPayloads(inRound round: Int64, at time: Date) throws -> Int
    /// Sets the status of the update of `promoterID` in `round`.
    func setUpdateStatus(round: Int64, promoterID: String, to status: UpdateStatus) throws

    /// Inserts a model version; versions must increase.
    func insertModelVersion(_ model: ModelVersionRecord) throws
    /// Model `version`, if stored.
    func modelVersion(_ version: Int64) throws -> ModelVersionRecord?
    /// The highest model version, if any.
    func latestModelVersion() throws -> ModelVersionRecord?
    /// Stores the server optimizer's state after model `version` (which must exist); once per version.
    func insertOptimizerState(version: Int64, state: [UInt8]) throws
    /// The server optimizer's state stored after model `version`, if any.
    func optimizerState(version: Int64) throws -> [UInt8]?

    /// Appends a ledger entry and returns it with its id.
    func appendLedgerEntry(_ entry: LedgerEntryRecord) throws -> LedgerEntryRecord
    /// Ledger entries of `promoterID` (all when nil), by id.
    func ledgerEntries(promoterID: String?) throws -> [LedgerEntryRecord]

    /// Appends audit entries; their indices must continue the log without gaps.
    func appendAuditEntries(_ entries: [AuditEntryRecord]) throws
    /// Audit entries passing `filter`, by index.
    func auditEntries(_ filter: AuditFilter) throws -> [AuditEntryRecord]
    /// Number of audit entries (the next index). It holds until the transaction ends: appends from
    /// other connections wait, so `append(entries starting at auditLogSize())` never races.
    func auditLogSize() throws -> Int64
    /// Stores a signed checkpoint; its size must not exceed the log size.
    func insertCheckpoint(_ checkpoint: CheckpointRecord) throws
    /// The checkpoint with the largest size, if any.
    func latestCheckpoint() throws -> CheckpointRecord?

    /// Records an identity (idempotent for identical records; a different one is a conflict).
    func registerIdentity(_ identity: IdentityRecord) throws
    /// The identity with certificate `serial`, if known.
    func identity(serial: String) throws -> IdentityRecord?
    /// Records a revocation (idempotent by serial).
    func revoke(_ revocation: RevocationRecord) throws
    /// The revocation of `serial`, if revoked.
    func revocation(serial: String) throws -> RevocationRecord?
    /// Every revocation, by serial.
    func revocations() throws -> [RevocationRecord]
}
