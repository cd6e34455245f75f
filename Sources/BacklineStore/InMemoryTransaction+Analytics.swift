import BacklineCore
import Foundation

extension InMemoryTransaction {
    func createAnalyticsQuery(_ query: AnalyticsQueryRecord) throws -> AnalyticsQueryRecord {
        try query.validate()
        var stored = query
        stored.id = (state.analyticsQueries.keys.max() ?? 0) + 1
        stored.state = .open
        stored.resultJSON = nil
        stored.failureReason = nil
        stored.deadline = query.deadline.atStoredPrecision
        stored.createdAt = query.createdAt.atStoredPrecision
        stored.updatedAt = stored.createdAt
        set(\.analyticsQueries, stored.id, stored)
        return stored
    }

    func analyticsQuery(_ id: Int64) throws -> AnalyticsQueryRecord? { state.analyticsQueries[id] }

    func latestAnalyticsQuery() throws -> AnalyticsQueryRecord? {
        state.analyticsQueries.keys.max().flatMap { state.analyticsQueries[$0] }
    }

    func analyticsQueries(in states: Set<AnalyticsQueryState>) throws -> [AnalyticsQueryRecord] {
        state.analyticsQueries.values.filter { states.contains($0.state) }.sorted { $0.id < $1.id }
    }

    func claimAnalyticsQuery(_ id: Int64, at time: Date, staleBefore: Date) throws -> Bool {
        try StoreValidation.time("claim.time", time)
        guard var query = state.analyticsQueries[id] else { return false }
        let stale = query.state == .closing && query.updatedAt.storedMillis < staleBefore.storedMillis
        guard query.state == .open || stale else { return false }
        query.state = .closing
        query.updatedAt = time.atStoredPrecision
        set(\.analyticsQueries, id, query)
        return true
    }

    func releaseAnalyticsQuery(_ id: Int64, at time: Date) throws {
        guard var query = state.analyticsQueries[id], query.state == .closing else {
            throw StoreError.invalidTransition(id, from: "not closing", to: "open (analytics query)")
        }
        query.state = .open
        query.updatedAt = time.atStoredPrecision
        set(\.analyticsQueries, id, query)
    }

    func finishAnalyticsQuery(_ id: Int64, resultJSON: String?, failureReason: String?, at time: Date) throws -> AnalyticsQueryRecord {
        try AnalyticsQueryRecord.validateFinish(resultJSON: resultJSON, failureReason: failureReason, time: time)
        guard var query = state.analyticsQueries[id], query.state == .closing else {
            throw StoreError.invalidTransition(id, from: "not closing", to: "finished (analytics query)")
        }
        query.state = resultJSON == nil ? .failed : .published
        query.resultJSON = resultJSON
        query.failureReason = failureReason
        query.updatedAt = time.atStoredPrecision
        set(\.analyticsQueries, id, query)
        for (key, var histogram) in state.analyticsHistograms where key.round == id {
            histogram.payload = []
            set(\.analyticsHistograms, key, histogram)
        }
        return query
    }

    func submitAnalyticsHistogram(_ submission: AnalyticsHistogramSubmission) throws -> AnalyticsHistogramRecord {
        try submission.validate()
        guard let query = state.analyticsQueries[submission.queryID] else {
            throw StoreError.notFound("analytics query", key: "\(submission.queryID)")
        }
        let key = InMemoryState.UpdateKey(round: submission.queryID, promoterID: submission.promoterID)
        if let stored = try submission.admission(into: query, existing: state.analyticsHistograms[key]) { return stored }
        let record = AnalyticsHistogramRecord(
            queryID: submission.queryID,
            promoterID: submission.promoterID,
            payload: submission.payload,
            digest: submission.digest,
            receiptID: UUID().uuidString.lowercased(),
            receivedAt: submission.receivedAt.atStoredPrecision
        )
        set(\.analyticsHistograms, key, record)
        return record
    }

    func analyticsHistograms(query id: Int64) throws -> [AnalyticsHistogramRecord] {
        state.analyticsHistograms.values.filter { $0.queryID == id }.sorted { $0.promoterID < $1.promoterID }
    }
}
