internal import BacklineCore
public import Foundation

/// One promoter's privacy ledger: every release charged against their (ε, δ) budget, with the
/// cumulative ε after each, computed by an ``RDPAccountant`` over the mechanism parameters.
///
/// A release that would take the cumulative ε above the budget is refused before anything is
/// computed, and the ledger is left unchanged. The ledger is `Codable` (version 1) and is restored
/// by recomputing the accountant from the recorded parameters, which must reproduce every recorded
/// cumulative ε; a ledger whose records and ε disagree is rejected as tampered or corrupt.
public struct PrivacyLedger: Sendable, Hashable {
    /// One charged release.
    public struct Entry: Codable, Hashable, Sendable {
        /// What was released.
        public let kind: ReleaseKind
        /// A caller's label: the round id, the query id…
        public let label: String
        /// The mechanism's parameters (σ as noise multiplier, q, steps, sensitivity).
        public let parameters: MechanismParameters
        /// The promoter's cumulative ε, at the budget's δ, after this release.
        public let cumulativeEpsilon: Double
    }

    /// The encoding version written by ``encoded()``.
    public static let version = 1
    /// Longest accepted label, in bytes.
    public static let maximumLabelBytes = 256

    /// The promoter this ledger belongs to.
    public let promoter: String
    /// Their budget.
    public let budget: PrivacyBudget
    /// Every release charged so far, oldest first.
    public private(set) var entries: [Entry] = []
    private var accountant = RDPAccountant()

    /// An empty ledger for `promoter` with `budget`.
    public init(promoter: String, budget: PrivacyBudget) {
        self.promoter = promoter
        self.budget = budget
    }

    /// The cumulative loss so far, at the budget's δ.
    public var spent: PrivacyLoss {
        // δ was validated by PrivacyBudget, so the conversion cannot fail.
        (try? accountant.loss(delta: budget.delta)) ?? PrivacyLoss(epsilon: .infinity, delta: budget.delta, order: nil)
    }

    /// ε still available (never negative).
    public var remainingEpsilon: Double { max(0, budget.epsilon - spent.epsilon) }

    /// The cumulative loss there would be after a release with `parameters`; nothing is recorded.
    /// - Throws: `invalid_parameter` for bad parameters.
    public func projectedLoss(after parameters: MechanismParameters) throws -> PrivacyLoss {
        try accountant.composing(parameters).loss(delta: budget.delta)
    }

    /// Records a release, or refuses it if it would exceed the budget.
    /// - Returns: the new entry.
    /// - Throws: `budget_exceeded` (ledger unchanged), `invalid_parameter` for bad parameters or label.
    @discardableResult
    public mutating func charge(_ kind: ReleaseKind, label: String, parameters: MechanismParameters) throws -> Entry {
        let (entry, next) = try prepare(kind, label: label, parameters: parameters)
        entries.append(entry)
        accountant = next
        return entry
    }

    /// Records a release, persists the new ledger through `persistence`, and only then runs `compute`
    /// (the release itself). Over budget: throws before `compute` runs and nothing changes. If
    /// persisting fails, nothing changes and `compute` does not run. If `compute` throws, the charge
    /// stays (conservative: randomness may already have been drawn).
    /// - Throws: `budget_exceeded`, `invalid_parameter`, `persistence_failed`, or what `compute` throws.
    public mutating func spend<Result>(
        _ kind: ReleaseKind,
        label: String,
        parameters: MechanismParameters,
        persistence: some PrivacyLedgerPersistence,
        compute: () throws -> Result
    ) throws -> Result {
        let (entry, next) = try prepare(kind, label: label, parameters: parameters)
        var updated = self
        updated.entries.append(entry)
        updated.accountant = next
        do {
            try persistence.storeLedger(updated.encoded(), promoter: promoter)
        } catch {
            throw PrivacyError.persistenceFailed(promoter: promoter, underlying: error)
        }
        self = updated
        return try compute()
    }

    private func prepare(
        _ kind: ReleaseKind,
        label: String,
        parameters: MechanismParameters
    ) throws -> (
        Entry, RDPAccountant
    ) {
        guard kind.isWellFormed else {
            throw PrivacyError.invalidParameter("release kind", kind.identifier, expected: "1–64 of a–z, 0–9, _")
        }
        guard label.utf8.count <= Self.maximumLabelBytes else {
            throw PrivacyError.invalidParameter(
                "release label length",
                label.utf8.count,
                expected: "at most \(Self.maximumLabelBytes) bytes"
            )
        }
        let next = try accountant.composing(parameters)
        let projected = try next.loss(delta: budget.delta).epsilon
        guard projected <= budget.epsilon else {
            throw PrivacyError.budgetExceeded(
                promoter: promoter,
                current: spent.epsilon,
                projected: projected,
                budget: budget.epsilon,
                delta: budget.delta
            )
        }
        return (Entry(kind: kind, label: label, parameters: parameters, cumulativeEpsilon: projected), next)
    }

    /// The ledger as JSON (sorted keys) with a `version` field, for the caller to persist.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// A ledger restored from ``encoded()`` output, with its accountant recomputed.
    /// - Throws: `invalid_ledger` for malformed JSON, an unknown version, bad parameters, or recorded
    ///   ε values that the recomputation does not reproduce.
    public static func decode(_ data: Data) throws -> PrivacyLedger {
        do {
            return try JSONDecoder().decode(PrivacyLedger.self, from: data)
        } catch let error as PrivacyError where error.code == .invalidLedger {
            throw error
        } catch let error as PrivacyError {
            throw PrivacyError.invalidLedger(error.reason, underlying: error)
        } catch {
            throw PrivacyError.invalidLedger("not a readable version-\(version) ledger", underlying: error)
        }
    }
}

extension PrivacyLedger: Codable {
    private enum CodingKeys: String, CodingKey { case version, promoter, budget, entries }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(Int.self, forKey: .version)
        guard version == Self.version else { throw PrivacyError.invalidLedger("unsupported version \(version)") }
        self.init(
            promoter: try container.decode(String.self, forKey: .promoter),
            budget: try container.decode(PrivacyBudget.self, forKey: .budget)
        )
        for (index, entry) in try container.decode([Entry].self, forKey: .entries).enumerated() {
            guard entry.kind.isWellFormed, entry.label.utf8.count <= Self.maximumLabelBytes else {
                throw PrivacyError.invalidLedger("entry \(index) has a malformed kind or an oversized label")
            }
            do {
                let next = try accountant.composing(entry.parameters)
                let epsilon = try next.loss(delta: budget.delta).epsilon
                guard abs(epsilon - entry.cumulativeEpsilon) <= 1e-9 * max(1, epsilon) else {
                    throw PrivacyError.invalidLedger(
                        "entry \(index) records cumulative ε \(entry.cumulativeEpsilon) but its parameters give \(epsilon)"
                    )
                }
                entries.append(entry)
                accountant = next
            } catch let error as PrivacyError where error.code == .invalidParameter {
                throw PrivacyError.invalidLedger("entry \(index): \(error.reason)")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.version, forKey: .version)
        try container.encode(promoter, forKey: .promoter)
        try container.encode(budget, forKey: .budget)
        try container.encode(entries, forKey: .entries)
    }
}
