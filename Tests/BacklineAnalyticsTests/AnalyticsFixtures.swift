import BacklineCore
import BacklinePrivacy
import BacklineVault
import Foundation

/// A reproducible randomness source for tests only (production uses `SecureNoiseSource`).
struct SeededNoiseSource: NoiseRandomSource {
    private var generator: SeededGenerator
    private(set) var draws = 0
    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
    mutating func next() -> UInt64 {
        draws += 1
        return generator.next()
    }
}

/// A ledger persistence double that records what was stored.
final class RecordingPersistence: PrivacyLedgerPersistence {
    var stored: [Data] = []
    func storeLedger(_ encoded: Data, promoter: String) throws { stored.append(encoded) }
}

/// Builds small vaults row by row.
struct VaultBuilder {
    var data = VaultData()

    /// 2025-01-03T20:00:00Z, a Friday.
    static let friday: Int64 = 1_735_934_400
    static let day: Int64 = 86_400
    static let minute: Int64 = 60

    mutating func member(_ id: Int64, birthYear: Int64?, gender: String, interests: [String], ageBand: String = "") {
        add(VaultSchema.members) { row, table in
            row.integers[0] = id
            if let birthYear { row.integers[1] = birthYear }
            row.texts[2] = table.intern(ageBand)
            row.texts[3] = table.intern(gender)
            row.texts[4] = table.intern("north")
            row.lists[5] = interests.map { Int64(table.intern($0)) }
        }
    }

    mutating func artist(_ id: Int64, genres: [String]) {
        add(VaultSchema.artists) { row, table in
            row.integers[0] = id
            row.texts[1] = table.intern("Artist \(id)")
            row.lists[2] = genres.map { Int64(table.intern($0)) }
        }
    }

    mutating func show(_ id: Int64, artist: Int64, start: Int64, capacity: Int64) {
        add(VaultSchema.shows) { row, table in
            row.integers[0] = id
            row.lists[1] = [artist]
            row.texts[2] = table.intern("Venue")
            row.texts[3] = table.intern("Leeds")
            row.integers[4] = start
            row.integers[5] = capacity
            row.texts[6] = table.intern("mid")
        }
    }

    mutating func ticket(member: Int64, show: Int64, purchased: Int64) {
        add(VaultSchema.tickets) { row, _ in
            row.integers[0] = member
            row.integers[1] = show
            row.integers[2] = purchased
            row.integers[3] = 1
            row.reals[4] = 30
        }
    }

    mutating func visit(member: Int64, show: Int64, scanIn: Int64, scanOut: Int64?, merch: Float) {
        add(VaultSchema.attendance) { row, _ in
            row.integers[0] = member
            row.integers[1] = show
            row.integers[2] = scanIn
            if let scanOut { row.integers[3] = scanOut }
            row.reals[4] = merch
        }
    }

    private mutating func add(_ schema: TableSchema, _ fill: (inout TableRow, inout ColumnarTable) -> Void) {
        var table = data[schema]
        var row = TableRow(schema: schema)
        fill(&row, &table)
        table.append(row)
        data[schema] = table
    }

    /// The tiny vault with obvious answers used across the suites:
    /// - member 1: born 1990, f, likes rock; member 2: born 2005, m, likes pop and rock;
    ///   member 3: born 1960, no gender, no interests.
    /// - show 101: rock, bar (120), Friday 2025-01-03 20:00; show 102: pop, academy (2 500),
    ///   Saturday 2025-03-01 20:00; show 104: rock, arena, 2026-12-31 (ends observation).
    /// - member 1: show 101 (bought 10 days ahead, in 30 min early, out 120 min after the start,
    ///   merch 20), show 102 (20 days, in 10 min late, out 100 min after, merch 0);
    ///   member 2: show 101 (5 days, no-show), show 102 (1 day, in 20 min early, out 60 min after,
    ///   merch 40); member 3: show 104 (2 days, in at the start, no scan-out, merch 0).
    static func tiny() -> VaultData {
        var builder = VaultBuilder()
        builder.member(1, birthYear: 1990, gender: "f", interests: ["rock"])
        builder.member(2, birthYear: 2005, gender: "M", interests: ["pop", "rock"])
        builder.member(3, birthYear: 1960, gender: "", interests: [])
        builder.artist(1, genres: ["rock"])
        builder.artist(2, genres: ["pop"])
        let s101 = friday
        let s102: Int64 = 1_740_859_200
        let s104: Int64 = 1_798_747_200
        builder.show(101, artist: 1, start: s101, capacity: 120)
        builder.show(102, artist: 2, start: s102, capacity: 2500)
        builder.show(104, artist: 1, start: s104, capacity: 8000)
        builder.ticket(member: 1, show: 101, purchased: s101 - 10 * day)
        builder.visit(member: 1, show: 101, scanIn: s101 - 30 * minute, scanOut: s101 + 120 * minute, merch: 20)
        builder.ticket(member: 1, show: 102, purchased: s102 - 20 * day)
        builder.visit(member: 1, show: 102, scanIn: s102 + 10 * minute, scanOut: s102 + 100 * minute, merch: 0)
        builder.ticket(member: 2, show: 101, purchased: s101 - 5 * day)
        builder.ticket(member: 2, show: 102, purchased: s102 - day)
        builder.visit(member: 2, show: 102, scanIn: s102 - 20 * minute, scanOut: s102 + 60 * minute, merch: 40)
        builder.ticket(member: 3, show: 104, purchased: s104 - 2 * day)
        builder.visit(member: 3, show: 104, scanIn: s104, scanOut: nil, merch: 0)
        return builder.data
    }
}

/// Sample mean and (n − 1) standard deviation.
func moments(_ values: [Double]) -> (mean: Double, standardDeviation: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    return (mean, variance.squareRoot())
}
