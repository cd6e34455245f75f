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

    func begin(_ schema: TableSchema, file: String) -> Int {
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
                    throw VaultError.invalidMapping(
                        "\(source.path): field \(field.name) maps to column \(column), the header has \(header.count) columns"
                    )
                }
                return number - 1
            }
            if let index = header.firstIndex(of: column) { return index }
            if field.required || source.mapping[field.name] != nil {
                throw VaultError.invalidMapping(
                    "\(source.path): field \(field.name) needs column '\(column)', which is not in the header (\(header.joined(separator: ", ")))"
                )
            }
            return nil
        }
    }

    func readHeader(_ reader: DelimitedReader, path: String) throws -> [String] {
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
                report(
                    ImportIssue(
                        reason: "column_count",
                        file: source.path,
                        line: line,
                        column: nil,
                        field: nil,
                        message: "has \(reader.fieldCount) fields, the header has \(header.count)"
                    )
                )
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
                    failure = ImportIssue(
                        reason: error.reason,
                        file: source.path,
                        line: line,
                        column: column + 1,
                        field: field.name,
                        message: error.message
                    )
                    break
                }
            }
            if failure == nil {
                for (earlier, later) in ordered
                where row.integers[later] != ColumnarTable.missingInteger && row.integers[later] < row.integers[earlier] {
                    failure = ImportIssue(
                        reason: "order",
                        file: source.path,
                        line: line,
                        column: columns[later].map { $0 + 1 },
                        field: schema.fields[later].name,
                        message: "\(schema.fields[later].name) is before \(schema.fields[earlier].name)"
                    )
                }
            }
            if failure == nil {
                for (field, known) in references where !known.contains(row.integers[field]) {
                    failure = ImportIssue(
                        reason: "unknown_reference",
                        file: source.path,
                        line: line,
                        column: columns[field].map { $0 + 1 },
                        field: schema.fields[field].name,
                        message: "names no row of table \(schema.fields[field].references!) in the vault or this import"
                    )
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
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        field: FieldSpec,
        index: Int,
        into row: inout TableRow,
        table: inout ColumnarTable,
        encoding: TextEncoding
    ) throws(FieldParser.Failure) {
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
                throw FieldParser.Failure(
                    reason: "encoding",
                    message: "text is not valid UTF-8 (use --encoding latin1 for ISO 8859-1 files)"
                )
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
                        throw FieldParser.Failure(
                            reason: "encoding",
                            message: "text is not valid UTF-8 (use --encoding latin1 for ISO 8859-1 files)"
                        )
                    }
                    row.lists[index].append(Int64(table.intern(text)))
                }
            }
            if field.required && row.lists[index].isEmpty {
                throw FieldParser.Failure(reason: "missing", message: "at least one value is required")
            }
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
}
