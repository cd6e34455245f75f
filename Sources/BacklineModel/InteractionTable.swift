/// Rows of a tab-separated interaction table (Last.fm style: `user artist weight`, or the tag
/// assignments `userID artistID tagID …`), parsed from bytes the caller read.
public struct InteractionTable: Sendable {
    /// One row: member id, item id (artist), and a value (weight or, for tag rows, the tag id).
    public struct Row: Sendable, Equatable {
        /// Member identifier.
        public let member: String
        /// Artist identifier.
        public let artist: String
        /// Third column: the interaction strength, or the tag identifier for tag files.
        public let third: String
    }

    /// Parsed rows in file order.
    public let rows: [Row]

    /// Parses `bytes` (UTF-8, LF or CRLF). The first line is skipped when its third field is
    /// not a number (a header). Every other line needs at least three tab-separated fields.
    /// - Throws: `malformed` naming `source` and the line.
    public init(bytes: [UInt8], source: String) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        var rows: [Row] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3 else {
                throw ModelError.malformed("\(source) line \(lineNumber): expected at least 3 tab-separated fields, got \(fields.count)")
            }
            if lineNumber == 1 && Double(fields[2]) == nil { continue }
            guard !fields[0].isEmpty, !fields[1].isEmpty, !fields[2].isEmpty else {
                throw ModelError.malformed("\(source) line \(lineNumber): empty field")
            }
            rows.append(Row(member: String(fields[0]), artist: String(fields[1]), third: String(fields[2])))
        }
        self.rows = rows
    }

    /// The interaction matrix over `members` × `artists`; rows whose member or artist is not in
    /// the indices are skipped when `skipUnknown`, otherwise `unknownIdentifier` is thrown.
    /// Strengths must be finite and ≥ 0 (`malformed`, `nonFinite` otherwise); duplicates are summed.
    public func matrix(members: IdentifierIndex, artists: IdentifierIndex, skipUnknown: Bool, source: String) throws -> SparseMatrix {
        var triples: [(row: Int, column: Int, value: Float)] = []
        triples.reserveCapacity(rows.count)
        for (number, row) in rows.enumerated() {
            guard let member = members.index(of: row.member), let artist = artists.index(of: row.artist) else {
                if skipUnknown { continue }
                let kind = members.index(of: row.member) == nil ? "member" : "artist"
                throw ModelError.unknownIdentifier(kind, kind == "member" ? row.member : row.artist)
            }
            guard let value = Float(row.third) else {
                throw ModelError.malformed("\(source) row \(number + 1): weight '\(row.third)' is not a number")
            }
            guard value.isFinite else { throw ModelError.nonFinite("\(source) row \(number + 1) weight") }
            guard value >= 0 else { throw ModelError.malformed("\(source) row \(number + 1): weight \(value) is negative") }
            triples.append((member, artist, value))
        }
        return try SparseMatrix(rowCount: members.count, columnCount: artists.count, triples: triples)
    }

    /// Member identifiers in first-appearance order.
    public var memberIdentifiers: [String] { Self.unique(rows.map(\.member)) }
    /// Artist identifiers in first-appearance order.
    public var artistIdentifiers: [String] { Self.unique(rows.map(\.artist)) }

    /// `values` without repeats, in first-appearance order.
    public static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
