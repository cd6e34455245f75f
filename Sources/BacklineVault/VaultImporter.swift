/// Imports delimited files into a vault, all or nothing.
///
/// Sources are applied in table dependency order (members and shows before tickets), each
/// streamed record by record (see ``DelimitedReader``) into the in-memory columnar tables.
/// Every row is checked: field count, encoding, numbers and their ranges, timestamps (1900–2100),
/// field order (`scan_out` ≥ `scan_in`), references (a ticket's member and show must exist in the
/// vault or the same import) and, once all files are read, duplicate keys against the vault and
/// the import. Any issue refuses the whole import (nothing is written) unless
/// ``ImportOptions/skipInvalid`` is set, in which case the bad rows are dropped and counted. The
/// changed tables are then committed through ``VaultData/commit(to:changed:)``.
public enum VaultImporter {
    /// Imports `sources` into the vault behind `factory` and commits.
    /// - Throws: ``VaultError`` `importRejected` listing the first issues, `emptyInput`,
    ///   `malformedInput`, `invalidMapping`; errors of the factory. Nothing is committed then.
    @discardableResult
    public static func run(_ sources: [ImportSource], into factory: any VaultStreamFactory, options: ImportOptions = ImportOptions()) throws -> ImportSummary {
        var data = try VaultData.load(from: factory)
        var summary = try apply(sources, to: &data, options: options)
        let changed = Set(summary.imported.filter { $0.value > 0 }.keys)
        if !changed.isEmpty { try data.commit(to: factory, changed: changed) }
        summary.generation = data.manifest.generation
        return summary
    }

    /// Applies `sources` to `data` in memory, without committing. On a thrown error `data` is
    /// left unchanged.
    public static func apply(_ sources: [ImportSource], to data: inout VaultData, options: ImportOptions = ImportOptions()) throws -> ImportSummary {
        let session = ImportSession(data: data, options: options)
        let ordered = sources.enumerated().sorted {
            (VaultSchema.order(of: $0.element.table.name), $0.offset) < (VaultSchema.order(of: $1.element.table.name), $1.offset)
        }
        let clock = ContinuousClock()
        let started = clock.now
        for (_, source) in ordered {
            switch source.layout {
            case .rows: try session.importRows(source)
            case .lastfmTags(let tagNamesPath): try session.importLastfmTags(source, tagNamesPath: tagNamesPath)
            }
        }
        session.checkDuplicates()
        if session.issueCount > 0 && !options.skipInvalid {
            throw VaultError.importRejected(session.summary.issues, total: session.issueCount)
        }
        var summary = session.summary
        for (name, start) in session.firstNewRow {
            summary.imported[name] = session.data.tables[name]!.rowCount - start
        }
        let elapsed = clock.now - started
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        summary.rowsPerSecond = summary.seconds > 0 ? Double(summary.rowsRead) / summary.seconds : 0
        summary.generation = data.manifest.generation
        data = session.data
        return summary
    }
}

/// The state of one import.
final class ImportSession {
    var data: VaultData
    let options: ImportOptions
    var summary = ImportSummary()
    var issueCount = 0
    /// Row count of each touched table before the import.
    var firstNewRow: [String: Int] = [:]
    /// Line indexes of the sources, per table.
    var lineIndexes: [String: [LineIndex]] = [:]
    private var idSets: [String: Set<Int64>] = [:]

    init(data: VaultData, options: ImportOptions) {
        self.data = data
        self.options = options
    }

    func report(_ issue: ImportIssue) {
        issueCount += 1
        if summary.issues.count < options.maximumIssues { summary.issues.append(issue) }
        if options.skipInvalid { summary.skipped[issue.reason, default: 0] += 1 }
    }

    /// The ids of table `name` (its `id` field), built once per import.
    private func ids(of name: String) -> Set<Int64> {
        if let set = idSets[name] { return set }
        let set = Set(data.tables[name]!.integers("id"))
        idSets[name] = set
        return set
    }

    private func begin(_ schema: TableSchema, file: String) -> Int {
        let rows = data.tables[schema.name]!.rowCount
        if firstNewRow[schema.name] == nil { firstNewRow[schema.name] = rows }
        lineIndexes[schema.name, default: []].append(LineIndex(file: file, firstRow: rows))
        return rows
    }

    /// Column of each field in `header`, or nil for an unmapped optional field.
    private func resolve(_ source: ImportSource, header: [String]) throws -> [Int?] {
        try source.table.fields.map { field in
            let column = source.mapping[field.name] ?? field.name
            if column.hasPrefix("#"), let number = Int(column.dropFirst()) {
                guard number >= 1, number <= header.count else {
                    throw VaultError.invalidMapping("\(source.path): field \(field.name) maps to column \(column), the header has \(header.count) columns")
                }
                return number - 1
            }
            if let index = header.firstIndex(of: column) { return index }
            if field.required || source.mapping[field.name] != nil {
                throw VaultError.invalidMapping("\(source.path): field \(field.name) needs column '\(column)', which is not in the header (\(header.joined(separator: ", ")))")
            }
            return nil
        }
    }

    private func readHeader(_ reader: DelimitedReader, path: String) throws -> [String] {
        guard try reader.nextRecord() else { throw VaultError.emptyInput(path, "the file is empty (a header line is required)") }
        return try (0..<reader.fieldCount).map { index in
            guard let name = reader.fieldString(index) else {
                throw VaultError.malformedInput(path, line: reader.recordLine, "header column \(index + 1) is not valid UTF-8")
            }
            return name.trimmingSpaces
        }
    }

    func importRows(_ source: ImportSource) throws {
        let reader = try DelimitedReader(path: source.path, delimiter: source.delimiter)
        let header = try readHeader(reader, path: source.path)
        let columns = try resolve(source, header: header)
        let schema = source.table
        _ = begin(schema, file: source.path)
        var table = data.tables[schema.name]!
        data.tables[schema.name] = nil
        defer { data.tables[schema.name] = table }
        var lineIndex = lineIndexes[schema.name]!.removeLast()
        defer { lineIndexes[schema.name]!.append(lineIndex) }
        let references: [(field: Int, ids: Set<Int64>)] = schema.fields.enumerated().compactMap { index, field in
            field.references.map { (index, ids(of: $0)) }
        }
        let ordered = schema.ordered.map { (schema.index(of: $0.earlier)!, schema.index(of: $0.later)!) }
        var newIDs: [Int64] = []
        let idField = schema.index(of: "id")
        var row = TableRow(schema: schema)
        var rows = 0
        let progress = ProgressTicker(options: options, file: source.path)
        let fileSize = reader.fileSize
        while try reader.nextRecord() {
            rows += 1
            progress.tick(rows: rows, bytes: reader.bytesRead)
            if rows == 1 << 16, let size = fileSize, reader.bytesRead > 0 {
                // Size the columns once from the first rows, so they do not overshoot by doubling.
                let estimate = Int(Double(size) / Double(reader.bytesRead) * Double(rows) * 1.02)
                if estimate > rows { table.reserveCapacity(additionalRows: estimate - rows) }
            }
            let line = reader.recordLine
            guard reader.fieldCount == header.count else {
                report(ImportIssue(reason: "column_count", file: source.path, line: line, column: nil, field: nil,
                                   message: "has \(reader.fieldCount) fields, the header has \(header.count)"))
                continue
            }
            row.clear()
            var failure: ImportIssue?
            for (index, field) in schema.fields.enumerated() {
                guard let column = columns[index] else { continue }
                do {
                    try reader.withField(column) { bytes throws(FieldParser.Failure) in
                        try Self.parse(bytes, field: field, index: index, into: &row, table: &table, encoding: source.encoding)
                    }
                } catch {
                    failure = ImportIssue(reason: error.reason, file: source.path, line: line, column: column + 1, field: field.name, message: error.message)
                    break
                }
            }
            if failure == nil {
                for (earlier, later) in ordered where row.integers[later] != ColumnarTable.missingInteger && row.integers[later] < row.integers[earlier] {
                    failure = ImportIssue(reason: "order", file: source.path, line: line, column: columns[later].map { $0 + 1 }, field: schema.fields[later].name,
                                          message: "\(schema.fields[later].name) is before \(schema.fields[earlier].name)")
                }
            }
            if failure == nil {
                for (field, known) in references where !known.contains(row.integers[field]) {
                    failure = ImportIssue(reason: "unknown_reference", file: source.path, line: line, column: columns[field].map { $0 + 1 }, field: schema.fields[field].name,
                                          message: "names no row of table \(schema.fields[field].references!) in the vault or this import")
                    break
                }
            }
            if let failure {
                report(failure)
                continue
            }
            lineIndex.record(row: table.rowCount, line: line)
            table.append(row)
            if let idField { newIDs.append(row.integers[idField]) }
        }
        if rows == 0 { throw VaultError.emptyInput(source.path, "the file has a header but no data rows") }
        summary.rowsRead += rows
        if idSets[schema.name] != nil { idSets[schema.name]!.formUnion(newIDs) }
    }

    /// Parses one field into `row`.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, field: FieldSpec, index: Int, into row: inout TableRow, table: inout ColumnarTable, encoding: TextEncoding) throws(FieldParser.Failure) {
        if bytes.isEmpty {
            if field.required { throw FieldParser.Failure(reason: "missing", message: "a value is required") }
            return
        }
        switch field.kind {
        case .integer:
            let value = try FieldParser.integer(bytes)
            try checkRange(Double(value), field: field, text: "\(value)")
            row.integers[index] = value
        case .real:
            let value = try FieldParser.real(bytes)
            try checkRange(Double(value), field: field, text: "\(value)")
            row.reals[index] = value
        case .timestamp:
            row.integers[index] = try FieldParser.timestamp(bytes)
        case .text:
            guard let text = encoding.decode(bytes) else {
                throw FieldParser.Failure(reason: "encoding", message: "text is not valid UTF-8 (use --encoding latin1 for ISO 8859-1 files)")
            }
            row.texts[index] = table.intern(text)
        case .integerList, .textList:
            var start = 0
            for position in 0...bytes.count where position == bytes.count || bytes[position] == UInt8(ascii: ";") {
                let element = UnsafeBufferPointer(rebasing: bytes[start..<position])
                start = position + 1
                if element.isEmpty { continue }
                if field.kind == .integerList {
                    let value = try FieldParser.integer(element)
                    guard value >= 0 else { throw FieldParser.Failure(reason: "out_of_range", message: "list value \(value) is negative") }
                    row.lists[index].append(value)
                } else {
                    guard let text = encoding.decode(element) else {
                        throw FieldParser.Failure(reason: "encoding", message: "text is not valid UTF-8 (use --encoding latin1 for ISO 8859-1 files)")
                    }
                    row.lists[index].append(Int64(table.intern(text)))
                }
            }
            if field.required && row.lists[index].isEmpty { throw FieldParser.Failure(reason: "missing", message: "at least one value is required") }
        }
    }

    static func checkRange(_ value: Double, field: FieldSpec, text: String) throws(FieldParser.Failure) {
        if let minimum = field.minimum, value < minimum {
            throw FieldParser.Failure(reason: "out_of_range", message: "\(text) is below the minimum \(Self.format(minimum))")
        }
        if let maximum = field.maximum, value > maximum {
            throw FieldParser.Failure(reason: "out_of_range", message: "\(text) is above the maximum \(Self.format(maximum))")
        }
    }

    static func format(_ value: Double) -> String { value == value.rounded() ? String(Int64(value)) : String(value) }

    /// Last.fm tags: reads `tags.dat` (tagID → tag), then counts (artist, tag) pairs of
    /// `user_taggedartists.dat` into `artist_tags` rows.
    func importLastfmTags(_ source: ImportSource, tagNamesPath: String) throws {
        var tagNames: [Int64: String] = [:]
        var tagLines: [Int64: Int] = [:]
        let tagReader = try DelimitedReader(path: tagNamesPath, delimiter: source.delimiter)
        let tagHeader = try readHeader(tagReader, path: tagNamesPath)
        guard let idColumn = tagHeader.firstIndex(of: "tagID"), let valueColumn = tagHeader.firstIndex(of: "tagValue") else {
            throw VaultError.invalidMapping("\(tagNamesPath): expected columns tagID and tagValue")
        }
        var tagRows = 0
        while try tagReader.nextRecord() {
            tagRows += 1
            let line = tagReader.recordLine
            guard tagReader.fieldCount == tagHeader.count else {
                report(ImportIssue(reason: "column_count", file: tagNamesPath, line: line, column: nil, field: nil, message: "has \(tagReader.fieldCount) fields, the header has \(tagHeader.count)"))
                continue
            }
            do {
                let id = try tagReader.withField(idColumn) { bytes throws(FieldParser.Failure) in try FieldParser.integer(bytes) }
                guard let text = tagReader.withField(valueColumn, { source.encoding.decode($0) }) else {
                    report(ImportIssue(reason: "encoding", file: tagNamesPath, line: line, column: valueColumn + 1, field: "tag",
                                       message: "text is not valid UTF-8 (use --encoding latin1 for ISO 8859-1 files)"))
                    continue
                }
                if let first = tagLines[id] {
                    report(ImportIssue(reason: "duplicate", file: tagNamesPath, line: line, column: idColumn + 1, field: "tagID", message: "same tagID as line \(first)"))
                    continue
                }
                tagNames[id] = text.trimmingSpaces
                tagLines[id] = line
            } catch {
                report(ImportIssue(reason: error.reason, file: tagNamesPath, line: line, column: idColumn + 1, field: "tagID", message: error.message))
            }
        }
        if tagRows == 0 { throw VaultError.emptyInput(tagNamesPath, "the file has a header but no data rows") }
        summary.rowsRead += tagRows

        let reader = try DelimitedReader(path: source.path, delimiter: source.delimiter)
        let header = try readHeader(reader, path: source.path)
        let artistName = source.mapping["artist"] ?? "artistID"
        guard let artistColumn = header.firstIndex(of: artistName), let tagColumn = header.firstIndex(of: source.mapping["tag"] ?? "tagID") else {
            throw VaultError.invalidMapping("\(source.path): expected columns artistID and tagID")
        }
        struct Pair: Hashable { let artist: Int64; let tag: String }
        var counts: [Pair: (count: Int64, line: Int)] = [:]
        var order: [Pair] = []
        var rows = 0
        let progress = ProgressTicker(options: options, file: source.path)
        while try reader.nextRecord() {
            rows += 1
            progress.tick(rows: rows, bytes: reader.bytesRead)
            let line = reader.recordLine
            guard reader.fieldCount == header.count else {
                report(ImportIssue(reason: "column_count", file: source.path, line: line, column: nil, field: nil, message: "has \(reader.fieldCount) fields, the header has \(header.count)"))
                continue
            }
            var column = artistColumn
            do {
                let artist = try reader.withField(artistColumn) { bytes throws(FieldParser.Failure) in try FieldParser.integer(bytes) }
                try Self.checkRange(Double(artist), field: VaultSchema.artistTags.fields[0], text: "\(artist)")
                column = tagColumn
                let tagID = try reader.withField(tagColumn) { bytes throws(FieldParser.Failure) in try FieldParser.integer(bytes) }
                guard let tag = tagNames[tagID] else {
                    report(ImportIssue(reason: "unknown_reference", file: source.path, line: line, column: tagColumn + 1, field: "tag", message: "tagID \(tagID) is not in \(tagNamesPath)"))
                    continue
                }
                let pair = Pair(artist: artist, tag: tag)
                if let existing = counts[pair] {
                    counts[pair] = (existing.count + 1, existing.line)
                } else {
                    counts[pair] = (1, line)
                    order.append(pair)
                }
            } catch {
                report(ImportIssue(reason: error.reason, file: source.path, line: line, column: column + 1, field: column == artistColumn ? "artist" : "tag", message: error.message))
            }
        }
        if rows == 0 { throw VaultError.emptyInput(source.path, "the file has a header but no data rows") }
        summary.rowsRead += rows
        let schema = VaultSchema.artistTags
        var table = data.tables[schema.name]!
        _ = begin(schema, file: source.path)
        var lineIndex = lineIndexes[schema.name]!.removeLast()
        var row = TableRow(schema: schema)
        for pair in order {
            let entry = counts[pair]!
            row.integers[0] = pair.artist
            row.texts[1] = table.intern(pair.tag)
            row.integers[2] = entry.count
            lineIndex.record(row: table.rowCount, line: entry.line)
            table.append(row)
        }
        lineIndexes[schema.name]!.append(lineIndex)
        data.tables[schema.name] = table
    }

    /// Finds rows whose key repeats an earlier row of the vault or the import; reports each
    /// later copy, and drops it when skipping.
    func checkDuplicates() {
        for (name, start) in firstNewRow {
            var table = data.tables[name]!
            let keyIndices = table.schema.keyIndices
            let count = table.rowCount
            guard count > start else { continue }
            // Common case first: sort 32-bit key hashes alone (4 bytes a row plus the sort's
            // buffer, freed at once); only hashes that repeat (true duplicates and the few
            // thousand chance collisions of ten million rows) are examined row by row.
            var hashes = [UInt32](repeating: 0, count: count)
            for row in 0..<count { hashes[row] = UInt32(truncatingIfNeeded: table.keyHash(row: row, keyIndices: keyIndices)) }
            hashes.sort()
            var collided = Set<UInt32>()
            for position in 1..<max(count, 1) where hashes[position] == hashes[position - 1] { collided.insert(hashes[position]) }
            hashes = []
            guard !collided.isEmpty else { continue }
            var groups: [UInt32: [Int]] = [:]
            for row in 0..<count {
                let hash = UInt32(truncatingIfNeeded: table.keyHash(row: row, keyIndices: keyIndices))
                if collided.contains(hash) { groups[hash, default: []].append(row) }
            }
            var duplicates: [Int: Int] = [:]
            for rows in groups.values {
                for (position, row) in rows.enumerated() where row >= start {
                    if let earlier = rows[..<position].first(where: { duplicates[$0] == nil && table.keysEqual($0, row, keyIndices: keyIndices) }) {
                        duplicates[row] = earlier
                    }
                }
            }
            guard !duplicates.isEmpty else { continue }
            let keyNames = table.schema.key.joined(separator: ", ")
            for (row, first) in duplicates.sorted(by: { $0.key < $1.key }) {
                let (file, line) = location(table: name, row: row)
                let earlier = first < start ? "a row already in the vault" : "line \(location(table: name, row: first).line)"
                report(ImportIssue(reason: "duplicate", file: file, line: line, column: nil, field: keyNames, message: "same \(keyNames) as \(earlier)"))
            }
            if options.skipInvalid {
                table.retainRows(from: start) { duplicates[$0] == nil }
                data.tables[name] = table
            }
        }
    }

    /// File and line of new row `row` of table `name`.
    func location(table name: String, row: Int) -> (file: String, line: Int) {
        guard let index = lineIndexes[name]?.last(where: { $0.firstRow <= row }) else { return ("?", 0) }
        return (index.file, index.line(of: row))
    }
}

/// Calls the progress callback about once per interval.
private final class ProgressTicker {
    private let options: ImportOptions
    private let file: String
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var last: ContinuousClock.Instant

    init(options: ImportOptions, file: String) {
        self.options = options
        self.file = file
        started = clock.now
        last = started
    }

    func tick(rows: Int, bytes: Int) {
        guard let progress = options.progress, rows & 0xFFFF == 0 else { return }
        let now = clock.now
        guard now - last >= options.progressInterval else { return }
        last = now
        let elapsed = now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        progress(ImportProgress(file: file, rows: rows, bytes: bytes, rowsPerSecond: seconds > 0 ? Double(rows) / seconds : 0))
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (header names, tag names).
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{FEFF}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
