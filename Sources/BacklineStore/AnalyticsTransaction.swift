import BacklineCore
public import Foundation

/// The federated analytics part of a ``FederationTransaction``: queries and the noised histograms
/// promoters submit to them (schema version 3). Every call validates its input first.
public protocol AnalyticsTransaction {
    /// Stores a new open query with the next free id and returns it as stored.
    func createAnalyticsQuery(_ query: AnalyticsQueryRecord) throws -> AnalyticsQueryRecord
    /// The query with `id`, if any.
    func analyticsQuery(_ id: Int64) throws -> AnalyticsQueryRecord?
    /// The query with the highest id, if any.
    func latestAnalyticsQuery() throws -> AnalyticsQueryRecord?
    /// The queries in any of `states`, oldest first.
    func analyticsQueries(in states: Set<AnalyticsQueryState>) throws -> [AnalyticsQueryRecord]
    /// Moves query `id` from open (or from closing claimed before `staleBefore`: its closer died)
    /// to closing; true for exactly one caller.
    func claimAnalyticsQuery(_ id: Int64, at time: Date, staleBefore: Date) throws -> Bool
    /// Moves a closing query back to open (its closer could not finish, e.g. the audit log failed).
    func releaseAnalyticsQuery(_ id: Int64, at time: Date) throws
    /// Moves a closing query to published (with `resultJSON`) or failed (with `failureReason`),
    /// and empties its histograms' payloads. Any other state is ``StoreError/Code/invalidTransition``.
    func finishAnalyticsQuery(_ id: Int64, resultJSON: String?, failureReason: String?, at time: Date) throws -> AnalyticsQueryRecord
    /// Stores a histogram, or returns the stored one for identical bytes; different bytes are a
    /// ``StoreError/Code/conflict``, a query not open or past its deadline ``StoreError/Code/roundClosed``.
    func submitAnalyticsHistogram(_ submission: AnalyticsHistogramSubmission) throws -> AnalyticsHistogramRecord
    /// The histograms of query `id`, by promoter id.
    func analyticsHistograms(query id: Int64) throws -> [AnalyticsHistogramRecord]
}

extension AnalyticsQueryRecord {
    /// Checks the record's fields before it is stored.
    func validate() throws {
        try StoreValidation.json("analytics.parametersJSON", parametersJSON)
        guard minContributors >= 3 else {
            throw StoreError.invalidInput("analytics.minContributors", "must be at least 3, got \(minContributors)")
        }
        try StoreValidation.time("analytics.deadline", deadline)
        try StoreValidation.time("analytics.createdAt", createdAt)
    }

    /// Checks a finish: exactly one of result and reason, result valid JSON.
    static func validateFinish(resultJSON: String?, failureReason: String?, time: Date) throws {
        guard (resultJSON == nil) != (failureReason == nil) else {
            throw StoreError.invalidInput("analytics.finish", "needs exactly one of a result or a failure reason")
        }
        if let resultJSON { try StoreValidation.json("analytics.resultJSON", resultJSON) }
        if let failureReason { try StoreValidation.identifier("analytics.failureReason", failureReason) }
        try StoreValidation.time("analytics.finish.time", time)
    }
}
