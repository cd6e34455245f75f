public import BacklinePrivacy
public import BacklineVault

/// Answers queries on one node's vault: exactly, for the promoter, or as a DP histogram that is
/// charged to the promoter's ``PrivacyLedger`` before anything is computed.
///
/// The vault's tables are joined once in ``init(_:)``; every query afterwards is one pass over the
/// members' visits.
public struct AnalyticsEngine: Sendable {
    let facts: AudienceFacts

    /// Joins `data`'s members, shows, tickets and attendance.
    /// - Throws: `inconsistent_data` for a ticket or attendance row naming an unknown member or show,
    ///   or a merchandise spend that is negative or not finite.
    public init(_ data: VaultData) throws {
        facts = try AudienceFacts(data)
    }

    /// Number of members in the vault.
    public var memberCount: Int { facts.memberCount }
    /// Number of visits (member–show pairs with a ticket or a scan).
    public var visitCount: Int { facts.visitCount }

    /// The exact answer to `query` (no noise, no bounding: never to be shared).
    public func exact(_ query: AnalyticsQuery) -> ExactHistogram {
        let labels = query.segment.cells
        var cells = labels.map {
            ExactHistogram.Cell(label: $0, members: 0, events: 0, sum: 0, memberMeanSum: 0, memberClampedMeanSum: 0)
        }
        facts.forEachMember(query) { _, tallies in
            for tally in tallies {
                let count = Double(tally.events)
                cells[tally.cell].members += 1
                cells[tally.cell].events += tally.events
                cells[tally.cell].sum += tally.sum
                cells[tally.cell].memberMeanSum += tally.sum / count
                cells[tally.cell].memberClampedMeanSum += tally.clampedSum / count
            }
        }
        return ExactHistogram(query: query, cells: cells)
    }

    /// Releases `query` as a DP histogram: charges `mechanism`'s parameters to `ledger` (persisted
    /// through `persistence`) first, and only then bounds, sums and noises.
    ///
    /// Over budget, or if persisting fails, nothing is computed and no noise is drawn.
    /// - Throws: `budget_exceeded`, `invalid_parameter` or `persistence_failed` from the ledger.
    public func release(
        _ mechanism: HistogramMechanism,
        ledger: inout PrivacyLedger,
        persistence: some PrivacyLedgerPersistence,
        using source: inout some NoiseRandomSource
    ) throws -> NoisedHistogram {
        try ledger.spend(
            .analyticsQuery,
            label: mechanism.query.name,
            parameters: mechanism.parameters,
            persistence: persistence
        ) {
            mechanism.noise(boundedSums(mechanism.query, granularity: mechanism.granularity), using: &source)
        }
    }

    /// The contribution-bounded histogram of `query`: per cell, the number of contributing members and
    /// the sum of their centred, normalised clamped means ((mean − centre)/radius ∈ [−1, 1]) in whole
    /// steps of `granularity`.
    ///
    /// Each member contributes to at most L cells, chosen by a hash of member id, query name and
    /// cell, so their whole contribution has L2 norm at most √(2L) (one count and one value per cell).
    func boundedSums(_ query: AnalyticsQuery, granularity: Double) -> BoundedSums {
        let cellCount = query.segment.cells.count
        var counts = [Int64](repeating: 0, count: cellCount)
        var steps = [Int64](repeating: 0, count: cellCount)
        let salt = Self.hash(query.name)
        let limit = query.maxCellsPerMember
        let stepsPerUnit = 1 / granularity
        facts.forEachMember(query) { member, tallies in
            var chosen = tallies
            if chosen.count > limit {
                let key = salt ^ UInt64(bitPattern: member)
                chosen.sort { Self.mix(key ^ UInt64($0.cell)) < Self.mix(key ^ UInt64($1.cell)) }
                chosen.removeLast(chosen.count - limit)
            }
            for tally in chosen {
                let mean = tally.clampedSum / Double(tally.events)
                let normalised = min(1, max(-1, (mean - query.centre) / query.radius))
                counts[tally.cell] += 1
                steps[tally.cell] += Int64((normalised * stepsPerUnit).rounded())
            }
        }
        return BoundedSums(counts: counts, steps: steps)
    }

    /// FNV-1a of `text`.
    static func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    /// SplitMix64 finaliser.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A contribution-bounded histogram before noise (internal: it must never be released as is).
struct BoundedSums: Sendable {
    /// Members contributing per cell.
    var counts: [Int64]
    /// Sum of normalised values per cell, in lattice steps.
    var steps: [Int64]
}
