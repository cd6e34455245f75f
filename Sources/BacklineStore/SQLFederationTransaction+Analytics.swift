import BacklineCore
import Foundation

extension SQLFederationTransaction {
    private static let analyticsQueryColumns: SQLQuery =
        "id, state, params_json, min_contributors, deadline_ms, result_json, failure_reason, created_ms, updated_ms"
    private static let analyticsHistogramColumns: SQLQuery = "query_id, promoter_id, payload, digest, receipt_id, received_ms"
    /// PostgreSQL advisory lock serialising new query ids across connections.
    private static let analyticsIDLock: Int64 = 0x4261_636B_416E_6C79

    func createAnalyticsQuery(_ query: AnalyticsQueryRecord) throws -> AnalyticsQueryRecord {
        try query.validate()
        if connection.dialect == .postgres {
            _ = try connection.query("SELECT pg_advisory_xact_lock(\(Self.analyticsIDLock))")
        }
        let next = try (connection.query("SELECT id FROM \(table: .analyticsQueries) ORDER BY id DESC LIMIT 1").first?.int64(0) ?? 0) + 1
        var stored = query
        stored.id = next
        stored.state = .open
        stored.resultJSON = nil
        stored.failureReason = nil
        stored.deadline = query.deadline.atStoredPrecision
        stored.createdAt = query.createdAt.atStoredPrecision
        stored.updatedAt = stored.createdAt
        try connection.execute(
            """
            INSERT INTO \(table: .analyticsQueries) (id, state, params_json, min_contributors, deadline_ms, created_ms, updated_ms)
            VALUES (\(next), \(stored.state.rawValue), \(stored.parametersJSON), \(stored.minContributors),
                    \(stored.deadline.storedMillis), \(stored.createdAt.storedMillis), \(stored.updatedAt.storedMillis))
            """
        )
        return stored
    }

    func analyticsQuery(_ id: Int64) throws -> AnalyticsQueryRecord? {
        try connection.query("SELECT \(Self.analyticsQueryColumns) FROM \(table: .analyticsQueries) WHERE id = \(id)")
            .first.map(Self.decodeAnalyticsQuery)
    }

    func latestAnalyticsQuery() throws -> AnalyticsQueryRecord? {
        try connection.query("SELECT \(Self.analyticsQueryColumns) FROM \(table: .analyticsQueries) ORDER BY id DESC LIMIT 1")
            .first.map(Self.decodeAnalyticsQuery)
    }

    func analyticsQueries(in states: Set<AnalyticsQueryState>) throws -> [AnalyticsQueryRecord] {
        // One query per state (indexed by `state`), merged by id: no IN list to bind.
        try states.flatMap { state in
            try connection.query("SELECT \(Self.analyticsQueryColumns) FROM \(table: .analyticsQueries) WHERE state = \(state.rawValue)")
                .map(Self.decodeAnalyticsQuery)
        }.sorted { $0.id < $1.id }
    }

    func claimAnalyticsQuery(_ id: Int64, at time: Date, staleBefore: Date) throws -> Bool {
        try StoreValidation.time("claim.time", time)
        try StoreValidation.time("claim.staleBefore", staleBefore)
        let changed = try connection.execute(
            """
            UPDATE \(table: .analyticsQueries) SET state = \(AnalyticsQueryState.closing.rawValue), updated_ms = \(time.storedMillis)
            WHERE id = \(id) AND (state = \(AnalyticsQueryState.open.rawValue)
                OR (state = \(AnalyticsQueryState.closing.rawValue) AND updated_ms < \(staleBefore.storedMillis)))
            """
        )
        return changed == 1
    }

    func releaseAnalyticsQuery(_ id: Int64, at time: Date) throws {
        try StoreValidation.time("release.time", time)
        let changed = try connection.execute(
            """
            UPDATE \(table: .analyticsQueries) SET state = \(AnalyticsQueryState.open.rawValue), updated_ms = \(time.storedMillis)
            WHERE id = \(id) AND state = \(AnalyticsQueryState.closing.rawValue)
            """
        )
        guard changed == 1 else { throw StoreError.invalidTransition(id, from: "not closing", to: "open (analytics query)") }
    }

    func finishAnalyticsQuery(_ id: Int64, resultJSON: String?, failureReason: String?, at time: Date) throws -> AnalyticsQueryRecord {
        try AnalyticsQueryRecord.validateFinish(resultJSON: resultJSON, failureReason: failureReason, time: time)
        let state: AnalyticsQueryState = resultJSON == nil ? .failed : .published
        let changed = try connection.execute(
            """
            UPDATE \(table: .analyticsQueries) SET state = \(state.rawValue), result_json = \(resultJSON),
                failure_reason = \(failureReason), updated_ms = \(time.storedMillis)
            WHERE id = \(id) AND state = \(AnalyticsQueryState.closing.rawValue)
            """
        )
        guard changed == 1 else { throw StoreError.invalidTransition(id, from: "not closing", to: "\(state.rawValue) (analytics query)") }
        try connection.execute("UPDATE \(table: .analyticsHistograms) SET payload = \([UInt8]()) WHERE query_id = \(id)")
        guard let stored = try analyticsQuery(id) else { throw StoreError.notFound("analytics query", key: "\(id)") }
        return stored
    }

    func submitAnalyticsHistogram(_ submission: AnalyticsHistogramSubmission) throws -> AnalyticsHistogramRecord {
        try submission.validate()
        guard
            let query = try connection.query(
                """
                SELECT \(Self.analyticsQueryColumns) FROM \(table: .analyticsQueries) WHERE id = \(submission.queryID)\(lockRows: ())
                """
            ).first.map(Self.decodeAnalyticsQuery)
        else { throw StoreError.notFound("analytics query", key: "\(submission.queryID)") }
        let existing = try connection.query(
            """
            SELECT \(Self.analyticsHistogramColumns) FROM \(table: .analyticsHistograms)
            WHERE query_id = \(submission.queryID) AND promoter_id = \(submission.promoterID)
            """
        ).first.map(Self.decodeAnalyticsHistogram)
        if let stored = try submission.admission(into: query, existing: existing) { return stored }
        let record = AnalyticsHistogramRecord(
            queryID: submission.queryID,
            promoterID: submission.promoterID,
            payload: submission.payload,
            digest: submission.digest,
            receiptID: UUID().uuidString.lowercased(),
            receivedAt: submission.receivedAt.atStoredPrecision
        )
        try connection.execute(
            """
            INSERT INTO \(table: .analyticsHistograms) (query_id, promoter_id, payload, digest, receipt_id, received_ms)
            VALUES (\(record.queryID), \(record.promoterID), \(record.payload), \(record.digest), \(record.receiptID),
                    \(record.receivedAt.storedMillis))
            """
        )
        return record
    }

    func analyticsHistograms(query id: Int64) throws -> [AnalyticsHistogramRecord] {
        try connection.query(
            """
            SELECT \(Self.analyticsHistogramColumns) FROM \(table: .analyticsHistograms) WHERE query_id = \(id) ORDER BY promoter_id
            """
        ).map(Self.decodeAnalyticsHistogram)
    }

    private static func decodeAnalyticsQuery(_ row: SQLRow) throws -> AnalyticsQueryRecord {
        AnalyticsQueryRecord(
            id: try row.int64(0),
            state: try AnalyticsQueryState.parse(try row.string(1)),
            parametersJSON: try row.string(2),
            minContributors: try row.int64(3),
            deadline: Date(storedMillis: try row.int64(4)),
            resultJSON: try row.optionalString(5),
            failureReason: try row.optionalString(6),
            createdAt: Date(storedMillis: try row.int64(7)),
            updatedAt: Date(storedMillis: try row.int64(8))
        )
    }

    private static func decodeAnalyticsHistogram(_ row: SQLRow) throws -> AnalyticsHistogramRecord {
        AnalyticsHistogramRecord(
            queryID: try row.int64(0),
            promoterID: try row.string(1),
            payload: try row.bytes(2),
            digest: try row.bytes(3),
            receiptID: try row.string(4),
            receivedAt: Date(storedMillis: try row.int64(5))
        )
    }
}
