public import BacklineCore

/// Errors of the privacy module.
public enum PrivacyErrorDomain: ErrorDomain { public static let name = "privacy" }
/// The privacy module's error.
public typealias PrivacyError = BacklineError<PrivacyErrorDomain>

extension BacklineError<PrivacyErrorDomain>.Code {
    /// A mechanism or accountant parameter is out of range, NaN or infinite.
    public static let invalidParameter = Self("invalid_parameter")
    /// A release would take a promoter past their (ε, δ) budget; nothing was computed or recorded.
    public static let budgetExceeded = Self("budget_exceeded")
    /// A member contribution or vector has the wrong length for the shape descriptor.
    public static let shapeMismatch = Self("shape")
    /// A member contribution contains NaN.
    public static let notANumber = Self("nan")
    /// A member contribution contains ±Inf.
    public static let infinite = Self("inf")
    /// A persisted ledger could not be decoded, has an unknown version or inconsistent values.
    public static let invalidLedger = Self("invalid_ledger")
    /// Persisting the ledger failed; the in-memory ledger was left unchanged.
    public static let persistenceFailed = Self("persistence_failed")
    /// No σ in the searched range reaches the target ε.
    public static let unreachableTarget = Self("unreachable_target")
}

extension BacklineError where Domain == PrivacyErrorDomain {
    /// Parameter `name` has the unusable value `value`; `expected` says what is allowed.
    public static func invalidParameter(
        _ name: String,
        _ value: some CustomStringConvertible,
        expected: String,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .invalidParameter,
            reason: "\(name) = \(value) is invalid: expected \(expected)",
            fileID: fileID,
            line: line
        )
    }

    /// The release would raise `promoter`'s ε from `current` to `projected`, above `budget`.
    public static func budgetExceeded(
        promoter: String,
        current: Double,
        projected: Double,
        budget: Double,
        delta: Double,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .budgetExceeded,
            reason:
                "release refused for promoter '\(promoter)': cumulative ε would rise from \(current) to \(projected), "
                + "above the budget ε = \(budget) at δ = \(delta); nothing was computed or recorded",
            fileID: fileID,
            line: line
        )
    }

    /// `what` has `actual` values where the shape needs `expected`.
    public static func shapeMismatch(
        _ what: String,
        expected: Int,
        actual: Int,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .shapeMismatch,
            reason: "\(what) has \(actual) values, the shape needs \(expected)",
            fileID: fileID,
            line: line
        )
    }

    /// `what` holds NaN at coordinate `index`.
    public static func notANumber(_ what: String, index: Int, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .notANumber, reason: "\(what) holds NaN at coordinate \(index)", fileID: fileID, line: line)
    }

    /// `what` holds ±Inf at coordinate `index`.
    public static func infinite(_ what: String, index: Int, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(
            code: .infinite,
            reason: "\(what) holds an infinite value at coordinate \(index)",
            fileID: fileID,
            line: line
        )
    }

    /// The persisted ledger is unusable because of `problem`.
    public static func invalidLedger(
        _ problem: String,
        underlying: (any Error)? = nil,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .invalidLedger,
            reason: "privacy ledger rejected: \(problem)",
            underlying: underlying,
            fileID: fileID,
            line: line
        )
    }

    /// Persisting the ledger of `promoter` failed.
    public static func persistenceFailed(
        promoter: String,
        underlying: any Error,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .persistenceFailed,
            reason: "could not persist the privacy ledger of '\(promoter)'; the release was refused",
            underlying: underlying,
            fileID: fileID,
            line: line
        )
    }

    /// No σ up to `maximum` gives ε ≤ `target`.
    public static func unreachableTarget(
        _ target: Double,
        maximum: Double,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(
            code: .unreachableTarget,
            reason: "no noise multiplier up to \(maximum) reaches ε ≤ \(target)",
            fileID: fileID,
            line: line
        )
    }
}
