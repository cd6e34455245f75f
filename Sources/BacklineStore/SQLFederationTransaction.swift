import BacklineCore
import Foundation

/// ``FederationTransaction`` over one SQL connection inside an open transaction; the SQL is
/// shared by SQLite and PostgreSQL and rendered per dialect by ``SQLQuery``.
struct SQLFederationTransaction: FederationTransaction {
    let connection: any SQLConnection
    /// Where payloads kept outside the rows live (SQLite files), if anywhere.
    let spool: StoreSpool?

    private static let roundColumns: SQLQuery = "id, state, min_clients, deadline_ms, params_json, created_ms, updated_ms"
    private static let updateColumns: SQLQuery =
        "round_id, promoter_id, payload, digest, norm, sample_count, status, receipt_id, received_ms, payload_discarded_ms, payload_file"
    private static let modelColumns: SQLQuery = "version, bytes, path, checksum, round_id, created_ms, bytes_file"
    private static let ledgerColumns: SQLQuery =
        "id, promoter_id, round_id, query, mechanism, params_json, epsilon, delta, recorded_ms"
    private static let auditColumns: SQLQuery = "idx, entry, leaf_hash, logged_ms, actor, action, decision, round_id"
    /// Rows per multi-row INSERT of audit entries (8 binds each, well under both engines' limits).
    private static let auditBatchRows = 64
    /// PostgreSQL advisory locks that serialise appends to a table across connections (row locks
    /// cannot lock the row that does not exist yet). SQLite's write transaction already does.
    private enum AppendLock: Int64 {
        case audit = 0x4261_636B_4175_6474
        case models = 0x4261_636B_4D6F_646C
    }

    private func lock(_ key: AppendLock) throws {
        if connection.dialect == .postgres {
            _ = try connection.query("SELECT pg_advisory_xact_lock(\(key.rawValue))")
        }
    }

    // MARK: rounds

    func createRound(_ round: RoundRecord) throws {
        try StoreValidation.check(round)
        if try self.round(round.id) != nil { throw StoreError.conflict("round", key: "\(round.id)") }
        try connection.execute(
            """
            INSERT INTO \(table: .rounds) (id, state, min_clients, deadline_ms, params_json, created_ms, updated_ms)
            VALUES (\(round.id), \(round.state.rawValue), \(round.minClients), \(round.deadline.storedMillis),
                    \(round.parametersJSON), \(round.createdAt.storedMillis), \(round.updatedAt.storedMillis))
            """
        )
    }

    func round(_ id: Int64) throws -> RoundRecord? {
        try connection.query("SELECT \(Self.roundColumns) FROM \(table: .rounds) WHERE id = \(id)")
            .first.map(Self.decodeRound)
    }

    /// Reads round `id` and locks its row until the transaction ends (PostgreSQL; SQLite's write
    /// transaction already excludes other writers).
    private func lockedRound(_ id: Int64) throws -> RoundRecord {
        guard
            let row = try connection.query(
                "SELECT \(Self.roundColumns) FROM \(table: .rounds) WHERE id = \(id)\(lockRows: ())"
            ).first
        else { throw StoreError.notFound("round", key: "\(id)") }
        return try Self.decodeRound(row)
    }

    func rounds(in states: Set<RoundState>?) throws -> [RoundRecord] {
        try connection.query("SELECT \(Self.roundColumns) FROM \(table: .rounds) ORDER BY id")
            .map(Self.decodeRound)
            .filter { states?.contains($0.state) ?? true }
    }

    func transitionRound(_ id: Int64, to state: RoundState, at time: Date) throws -> RoundRecord {
        try StoreValidation.time("transition.time", time)
        var round = try lockedRound(id)
        guard round.state.canTransition(to: state) else {
            throw StoreError.invalidTransition(id, from: round.state.rawValue, to: state.rawValue)
        }
        try connection.execute(
            """
            UPDATE \(table: .rounds) SET state = \(state.rawValue), updated_ms = \(time.storedMillis) WHERE id = \(id)
            """
        )
        round.state = state
        round.updatedAt = Date(storedMillis: time.storedMillis)
        return round
    }

    func claimRoundForAggregation(_ id: Int64, claimToken: String, at time: Date) throws -> Bool {
        try StoreValidation.identifier("claimToken", claimToken)
        try StoreValidation.time("claim.time", time)
        let changed = try connection.execute(
            """
            UPDATE \(table: .rounds) SET state = \(RoundState.aggregating.rawValue), claimed_by = \(claimToken),
                updated_ms = \(time.storedMillis)
            WHERE id = \(id) AND state IN (\(RoundState.open.rawValue), \(RoundState.collecting.rawValue))
            """
        )
        if changed == 1 { return true }
        guard
            let row = try connection.query(
                "SELECT state, claimed_by FROM \(table: .rounds) WHERE id = \(id)"
            ).first
        else { throw StoreError.notFound("round", key: "\(id)") }
        // Same token: this caller's own earlier attempt committed (e.g. COMMIT outcome was unknown).
        return try row.string(0) == RoundState.aggregating.rawValue && row.optionalString(1) == claimToken
    }

    // MARK: updates

    func submitUpdate(_ submission: UpdateSubmission) throws -> UpdateReceipt {
        try insertUpdate(submission, payloadFile: nil).receipt
    }

    /// ``submitUpdate(_:)`` with the payload either in the row (`payloadFile` nil) or already
    /// durable in the spool as `payloadFile` (the row then holds an empty payload and the name);
    /// `inserted` is false when an identical update was stored before.
    func insertUpdate(_ submission: UpdateSubmission, payloadFile: String?) throws -> (receipt: UpdateReceipt, inserted: Bool) {
        try StoreValidation.check(submission)
        let round = try lockedRound(submission.round)
        let existing = try update(round: submission.round, promoterID: submission.promoterID, readingPayload: payloadFile == nil)
        if let receipt = try submission.admission(into: round, existing: existing) { return (receipt, false) }
        let receiptID = UUID().uuidString.lowercased()
        try connection.execute(
            """
            INSERT INTO \(table: .updates) (round_id, promoter_id, payload, digest, norm, sample_count, status,
                receipt_id, received_ms, payload_file)
            VALUES (\(submission.round), \(submission.promoterID), \(payloadFile == nil ? submission.payload : []), \(submission.digest),
                \(submission.norm), \(submission.sampleCount), \(UpdateStatus.accepted.rawValue), \(receiptID),
                \(submission.receivedAt.storedMillis), \(payloadFile))
            """
        )
        if round.state == .open {
            try connection.execute(
                """
                UPDATE \(table: .rounds) SET state = \(RoundState.collecting.rawValue),
                    updated_ms = \(submission.receivedAt.storedMillis) WHERE id = \(round.id)
                """
            )
        }
        let receipt = UpdateReceipt(
            receiptID: receiptID,
            round: submission.round,
            promoterID: submission.promoterID,
            digest: submission.digest
        )
        return (receipt, true)
    }

    private func update(round: Int64, promoterID: String, readingPayload: Bool) throws -> UpdateRecord? {
        try connection.query(
            """
            SELECT \(Self.updateColumns) FROM \(table: .updates) WHERE round_id = \(round) AND promoter_id = \(promoterID)
            """
        ).first.map { try decodeUpdate($0, readingPayload: readingPayload) }
    }

    func updates(inRound round: Int64) throws -> [UpdateRecord] {
        try connection.query(
            """
            SELECT \(Self.updateColumns) FROM \(table: .updates) WHERE round_id = \(round) ORDER BY promoter_id
            """
        ).map { try decodeUpdate($0, readingPayload: true) }
    }

    func updatesWithoutPayloads(inRound round: Int64) throws -> [UpdateRecord] {
        try connection.query(
            """
            SELECT round_id, promoter_id, NULL, digest, norm, sample_count, status, receipt_id, received_ms,
                payload_discarded_ms, payload_file
            FROM \(table: .updates) WHERE round_id = \(round) ORDER BY promoter_id
            """
        ).map { try decodeUpdate($0, readingPayload: false) }
    }

    func update(inRound round: Int64, promoterID: String) throws -> UpdateRecord? {
        try update(round: round, promoterID: promoterID, readingPayload: true)
    }

    func updateCount(inRound round: Int64) throws -> Int {
        let count = try connection.query("SELECT COUNT(*) FROM \(table: .updates) WHERE round_id = \(round)").first?.int64(0) ?? 0
        return Int(count)
    }

    func discardPayloads(inRound round: Int64, at time: Date) throws -> Int {
        try StoreValidation.time("discard.time", time)
        let current = try lockedRound(round)
        try current.state.requireFinal(forDiscardingIn: round)
        return try connection.execute(
            """
            UPDATE \(table: .updates) SET payload = \([UInt8]()), payload_file = NULL, payload_discarded_ms = \(time.storedMillis)
            WHERE round_id = \(round) AND payload_discarded_ms IS NULL
            """
        )
    }

    func setUpdateStatus(round: Int64, promoterID: String, to status: UpdateStatus) throws {
        let changed = try connection.execute(
            """
            UPDATE \(table: .updates) SET status = \(status.rawValue) WHERE round_id = \(round) AND promoter_id = \(promoterID)
            """
        )
        guard changed == 1 else { throw StoreError.notFound("update", key: "round \(round), promoter \(promoterID)") }
    }

    // MARK: models

    func insertModelVersion(_ model: ModelVersionRecord) throws {
        try StoreValidation.check(model)
        try lock(.models)
        // The newest version number only: reading the newest row would read its bytes.
        if let latest = try connection.query("SELECT MAX(version) FROM \(table: .models)").first?.optionalInt64(0), latest >= model.version
        {
            throw StoreError.conflict("model version", key: "\(model.version) (latest is \(latest))")
        }
        // With a spool the bytes go to a synced file first and the row names it (a failed insert
        // leaves that file, named by version and checksum, unreferenced).
        var file: String?
        if let spool, let bytes = model.bytes {
            let name = StoreSpool.modelFileName(version: model.version, checksum: model.checksum)
            try spool.write(bytes, as: name)
            file = name
        }
        try connection.execute(
            """
            INSERT INTO \(table: .models) (version, bytes, path, checksum, round_id, created_ms, bytes_file)
            VALUES (\(model.version), \(file == nil ? model.bytes : []), \(model.path), \(model.checksum), \(model.round),
                \(model.createdAt.storedMillis), \(file))
            """
        )
    }

    func modelVersion(_ version: Int64) throws -> ModelVersionRecord? {
        try connection.query("SELECT \(Self.modelColumns) FROM \(table: .models) WHERE version = \(version)")
            .first.map(decodeModel)
    }

    func latestModelVersion() throws -> ModelVersionRecord? {
        try connection.query("SELECT \(Self.modelColumns) FROM \(table: .models) ORDER BY version DESC LIMIT 1")
            .first.map(decodeModel)
    }

    func insertOptimizerState(version: Int64, state: [UInt8]) throws {
        guard try connection.query("SELECT 1 FROM \(table: .models) WHERE version = \(version)").first != nil else {
            throw StoreError.invalidInput("optimizer state", "model version \(version) does not exist")
        }
        guard try optimizerState(version: version) == nil else { throw StoreError.conflict("optimizer state", key: String(version)) }
        try connection.execute("INSERT INTO \(table: .optimizerStates) (version, state) VALUES (\(version), \(state))")
    }

    func optimizerState(version: Int64) throws -> [UInt8]? {
        try connection.query("SELECT state FROM \(table: .optimizerStates) WHERE version = \(version)").first.map { try $0.bytes(0) }
    }

    // MARK: ledger

    func appendLedgerEntry(_ entry: LedgerEntryRecord) throws -> LedgerEntryRecord {
        try StoreValidation.check(entry)
        guard
            let row = try connection.query(
                """
                INSERT INTO \(table: .privacyLedger) (promoter_id, round_id, query, mechanism, params_json, epsilon, delta,
                    recorded_ms)
                VALUES (\(entry.promoterID), \(entry.round), \(entry.query), \(entry.mechanism), \(entry.parametersJSON),
                    \(entry.epsilon), \(entry.delta), \(entry.recordedAt.storedMillis))
                RETURNING id
                """
            ).first
        else { throw StoreError.database(.database, "INSERT … RETURNING id gave no row") }
        var stored = entry
        stored.id = try row.int64(0)
        stored.recordedAt = Date(storedMillis: entry.recordedAt.storedMillis)
        return stored
    }

    func ledgerEntries(promoterID: String?) throws -> [LedgerEntryRecord] {
        var query: SQLQuery = "SELECT \(Self.ledgerColumns) FROM \(table: .privacyLedger)"
        if let promoterID { query.append(" WHERE promoter_id = \(promoterID)") }
        query.append(" ORDER BY id")
        return try connection.query(query).map(Self.decodeLedger)
    }

    // MARK: audit

    func appendAuditEntries(_ entries: [AuditEntryRecord]) throws {
        guard !entries.isEmpty else { return }
        try StoreValidation.check(entries, startingAt: try auditLogSize())
        var start = 0
        while start < entries.count {
            let batch = entries[start..<min(start + Self.auditBatchRows, entries.count)]
            var query: SQLQuery =
                "INSERT INTO \(table: .auditLog) (idx, entry, leaf_hash, logged_ms, actor, action, decision, round_id) VALUES "
            for (offset, entry) in batch.enumerated() {
                if offset > 0 { query.append(", ") }
                query.append(
                    """
                    (\(entry.index), \(entry.entry), \(entry.leafHash), \(entry.loggedAt.storedMillis), \(entry.actor),
                    \(entry.action), \(entry.decision), \(entry.round))
                    """
                )
            }
            try connection.execute(query)
            start += batch.count
        }
    }

    func auditEntries(_ filter: AuditFilter) throws -> [AuditEntryRecord] {
        var query: SQLQuery = "SELECT \(Self.auditColumns) FROM \(table: .auditLog) WHERE 1 = 1"
        if let from = filter.fromIndex { query.append(" AND idx >= \(from)") }
        if let to = filter.toIndex { query.append(" AND idx < \(to)") }
        if let actor = filter.actor { query.append(" AND actor = \(actor)") }
        if let action = filter.action { query.append(" AND action = \(action)") }
        if let round = filter.round { query.append(" AND round_id = \(round)") }
        if let since = filter.since { query.append(" AND logged_ms >= \(since.storedMillis)") }
        query.append(" ORDER BY idx")
        if let limit = filter.limit {
            guard limit >= 0 else { throw StoreError.invalidInput("filter.limit", "must not be negative") }
            query.append(" LIMIT \(limit)")
        }
        return try connection.query(query).map(Self.decodeAudit)
    }

    func auditLogSize() throws -> Int64 {
        // Writers on other connections append under this lock, so the size read here stays the
        // size until this transaction ends.
        try lock(.audit)
        // Indices are contiguous from 0, so the size is the highest index + 1.
        return try connection.query("SELECT idx FROM \(table: .auditLog) ORDER BY idx DESC LIMIT 1").first
            .map { try $0.int64(0) + 1 } ?? 0
    }

    func insertCheckpoint(_ checkpoint: CheckpointRecord) throws {
        try StoreValidation.check(checkpoint)
        let size = try auditLogSize()
        guard checkpoint.size <= size else {
            throw StoreError.invalidInput("checkpoint.size", "\(checkpoint.size) exceeds the log size \(size)")
        }
        if let existing = try connection.query(
            "SELECT note FROM \(table: .auditCheckpoints) WHERE size = \(checkpoint.size)"
        ).first {
            guard try existing.string(0) == checkpoint.signedNote else {
                throw StoreError.conflict("checkpoint", key: "size \(checkpoint.size)")
            }
            return
        }
        try connection.execute(
            """
            INSERT INTO \(table: .auditCheckpoints) (size, note, created_ms)
            VALUES (\(checkpoint.size), \(checkpoint.signedNote), \(checkpoint.createdAt.storedMillis))
            """
        )
    }

    func latestCheckpoint() throws -> CheckpointRecord? {
        try connection.query(
            "SELECT size, note, created_ms FROM \(table: .auditCheckpoints) ORDER BY size DESC LIMIT 1"
        ).first
            .map { CheckpointRecord(size: try $0.int64(0), signedNote: try $0.string(1), createdAt: Date(storedMillis: try $0.int64(2))) }
    }

    // MARK: identities

    func registerIdentity(_ identity: IdentityRecord) throws {
        try StoreValidation.check(identity)
        try connection.execute(
            """
            INSERT INTO \(table: .identities) (serial, spiffe_id, role, registered_ms)
            VALUES (\(identity.serial), \(identity.spiffeID), \(identity.role), \(identity.registeredAt.storedMillis))
            ON CONFLICT (serial) DO NOTHING
            """
        )
        // Whoever registered the serial first, it must be the same identity.
        guard let stored = try self.identity(serial: identity.serial), stored.spiffeID == identity.spiffeID,
            stored.role == identity.role
        else { throw StoreError.conflict("identity", key: "serial \(identity.serial)") }
    }

    func identity(serial: String) throws -> IdentityRecord? {
        try connection.query(
            "SELECT serial, spiffe_id, role, registered_ms FROM \(table: .identities) WHERE serial = \(serial)"
        ).first
            .map {
                IdentityRecord(
                    serial: try $0.string(0),
                    spiffeID: try $0.string(1),
                    role: try $0.string(2),
                    registeredAt: Date(storedMillis: try $0.int64(3))
                )
            }
    }

    func revoke(_ revocation: RevocationRecord) throws {
        try StoreValidation.check(revocation)
        // The first revocation of a serial wins; a concurrent duplicate is not an error.
        try connection.execute(
            """
            INSERT INTO \(table: .revocations) (serial, spiffe_id, revoked_ms, reason)
            VALUES (\(revocation.serial), \(revocation.spiffeID), \(revocation.revokedAt.storedMillis), \(revocation.reason))
            ON CONFLICT (serial) DO NOTHING
            """
        )
    }

    func revocation(serial: String) throws -> RevocationRecord? {
        try fetchRevocations(" WHERE serial = \(serial)").first
    }

    func revocations() throws -> [RevocationRecord] { try fetchRevocations("") }

    private func fetchRevocations(_ condition: SQLQuery) throws -> [RevocationRecord] {
        try connection.query(
            "SELECT serial, spiffe_id, revoked_ms, reason FROM \(table: .revocations)\(condition) ORDER BY serial"
        )
        .map {
            RevocationRecord(
                serial: try $0.string(0),
                spiffeID: try $0.string(1),
                revokedAt: Date(storedMillis: try $0.int64(2)),
                reason: try $0.string(3)
            )
        }
    }

    // MARK: decoding

    private static func decodeRound(_ row: SQLRow) throws -> RoundRecord {
        RoundRecord(
            id: try row.int64(0),
            state: try RoundState.parse(try row.string(1)),
            minClients: try row.int64(2),
            deadline: Date(storedMillis: try row.int64(3)),
            parametersJSON: try row.string(4),
            createdAt: Date(storedMillis: try row.int64(5)),
            updatedAt: Date(storedMillis: try row.int64(6))
        )
    }

    /// An update row; a payload kept in the spool is read from its file when `readingPayload`
    /// (otherwise the record's payload is empty).
    private func decodeUpdate(_ row: SQLRow, readingPayload: Bool) throws -> UpdateRecord {
        var payload = try row.optionalBytes(2) ?? []
        if readingPayload, let file = try row.optionalString(10) {
            guard let spool else {
                throw StoreError.database(.database, "update payload \(file) is kept in a payload spool this store was opened without")
            }
            payload = try spool.read(file)
        }
        return UpdateRecord(
            round: try row.int64(0),
            promoterID: try row.string(1),
            payload: payload,
            digest: try row.bytes(3),
            norm: try row.double(4),
            sampleCount: try row.int64(5),
            status: try UpdateStatus.parse(try row.string(6)),
            receiptID: try row.string(7),
            receivedAt: Date(storedMillis: try row.int64(8)),
            payloadDiscardedAt: try row.optionalInt64(9).map(Date.init(storedMillis:))
        )
    }

    /// A model row; bytes kept in the spool are read from their file.
    private func decodeModel(_ row: SQLRow) throws -> ModelVersionRecord {
        var bytes = try row.optionalBytes(1)
        if let file = try row.optionalString(6) {
            guard let spool else {
                throw StoreError.database(.database, "model bytes \(file) are kept in a spool this store was opened without")
            }
            bytes = try spool.read(file, limit: StoreValidation.maxModelBytes)
        }
        return ModelVersionRecord(
            version: try row.int64(0),
            bytes: bytes,
            path: try row.optionalString(2),
            checksum: try row.bytes(3),
            round: try row.optionalInt64(4),
            createdAt: Date(storedMillis: try row.int64(5))
        )
    }

    private static func decodeLedger(_ row: SQLRow) throws -> LedgerEntryRecord {
        LedgerEntryRecord(
            id: try row.int64(0),
            promoterID: try row.string(1),
            round: try row.optionalInt64(2),
            query: try row.optionalString(3),
            mechanism: try row.string(4),
            parametersJSON: try row.string(5),
            epsilon: try row.double(6),
            delta: try row.double(7),
            recordedAt: Date(storedMillis: try row.int64(8))
        )
    }

    private static func decodeAudit(_ row: SQLRow) throws -> AuditEntryRecord {
        AuditEntryRecord(
            index: try row.int64(0),
            entry: try row.bytes(1),
            leafHash: try row.bytes(2),
            loggedAt: Date(storedMillis: try row.int64(3)),
            actor: try row.string(4),
            action: try row.string(5),
            decision: try row.string(6),
            round: try row.optionalInt64(7)
        )
    }
}
