public import BacklineCore

/// Errors of the analytics module.
public enum AnalyticsErrorDomain: ErrorDomain { public static let name = "analytics" }
/// The analytics module's error.
public typealias AnalyticsError = BacklineError<AnalyticsErrorDomain>

extension BacklineError<AnalyticsErrorDomain>.Code {
    /// A query definition, parameter or option is out of range, NaN or infinite.
    public static let invalidQuery = Self("invalid_query")
    /// No built-in query, measure or segment has this name.
    public static let unknownName = Self("unknown_name")
    /// The vault's rows are inconsistent (a ticket for an unknown show, a timestamp out of range).
    public static let inconsistentData = Self("inconsistent_data")
    /// Histograms to combine were made by different query definitions or cell sets.
    public static let incompatibleHistograms = Self("incompatible_histograms")
    /// Vectors to cluster are empty, ragged, NaN or infinite.
    public static let invalidVectors = Self("invalid_vectors")
}

extension BacklineError where Domain == AnalyticsErrorDomain {
    /// `field` has the unusable value `value`; `expected` says what is allowed.
    public static func invalidQuery(
        _ field: String,
        _ value: some CustomStringConvertible,
        expected: String,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .invalidQuery,
            reason: "\(field) = \(value) is invalid: expected \(expected)",
            fileID: fileID,
            line: line
        )
    }

    /// No `kind` is called `name`; `known` lists the valid names.
    public static func unknownName(
        _ kind: String,
        _ name: String,
        known: [String],
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .unknownName,
            reason: "no \(kind) named '\(name.prefix(64))' (known: \(known.joined(separator: ", ")))",
            fileID: fileID,
            line: line
        )
    }

    /// Table `table`, row `row`: `problem` (never member data, only ids and positions).
    public static func inconsistentData(
        table: String,
        row: Int,
        _ problem: String,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(code: .inconsistentData, reason: "\(table) row \(row): \(problem)", fileID: fileID, line: line)
    }

    /// Histogram `index` differs from the first in `what`.
    public static func incompatibleHistograms(
        index: Int,
        _ what: String,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .incompatibleHistograms,
            reason: "histogram \(index) differs from histogram 0 in \(what)",
            fileID: fileID,
            line: line
        )
    }

    /// The vectors to cluster are unusable because of `problem`.
    public static func invalidVectors(_ problem: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidVectors, reason: "vectors rejected: \(problem)", fileID: fileID, line: line)
    }
}
