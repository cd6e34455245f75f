/// A table in compact columnar form: one array per field (`Int64` for integers and timestamps,
/// `Float` for reals, `Int32` string indices for text, offsets plus values for lists) and one
/// ``StringTable`` for all text of the table.
public struct ColumnarTable: Sendable {
    /// Stored for a missing optional integer or timestamp.
    public static let missingInteger = Int64.min

    /// Storage for one field; only the arrays matching its kind are used.
    struct Column: Sendable {
        var integers: [Int64] = []
        var reals: [Float] = []
        var texts: [Int32] = []
        var listOffsets: [Int] = [0]
        var listValues: [Int64] = []
    }

    /// The table's shape.
    public let schema: TableSchema
    /// Interned text of every text and text-list field.
    public internal(set) var strings = StringTable()
    var columns: [Column]
    /// Number of rows.
    public private(set) var rowCount = 0

    /// An empty table of `schema`.
    public init(schema: TableSchema) {
        self.schema = schema
        columns = Array(repeating: Column(), count: schema.fields.count)
    }

    /// Interns `string` in the table's string table.
    public mutating func intern(_ string: String) -> Int32 { strings.intern(string) }

    /// Appends `row` (its text indices must come from this table's ``intern(_:)``).
    public mutating func append(_ row: TableRow) {
        for (index, field) in schema.fields.enumerated() {
            switch field.kind {
            case .integer, .timestamp: columns[index].integers.append(row.integers[index])
            case .real: columns[index].reals.append(row.reals[index])
            case .text: columns[index].texts.append(row.texts[index])
            case .integerList, .textList:
                columns[index].listValues.append(contentsOf: row.lists[index])
                columns[index].listOffsets.append(columns[index].listValues.count)
            }
        }
        rowCount += 1
    }

    /// Reserves room for `count` more rows in the scalar columns.
    public mutating func reserveCapacity(additionalRows count: Int) {
        for (index, field) in schema.fields.enumerated() {
            switch field.kind {
            case .integer, .timestamp: columns[index].integers.reserveCapacity(rowCount + count)
            case .real: columns[index].reals.reserveCapacity(rowCount + count)
            case .text: columns[index].texts.reserveCapacity(rowCount + count)
            case .integerList, .textList: columns[index].listOffsets.reserveCapacity(rowCount + count + 1)
            }
        }
    }

    private func fieldIndex(_ name: String, _ kinds: Set<FieldKind>) -> Int {
        guard let index = schema.index(of: name), kinds.contains(schema.fields[index].kind) else {
            preconditionFailure("table \(schema.name) has no \(kinds) field \(name)")
        }
        return index
    }

    /// The values of integer or timestamp field `name` (missing values are ``missingInteger``).
    public func integers(_ name: String) -> [Int64] { columns[fieldIndex(name, [.integer, .timestamp])].integers }
    /// The values of real field `name`.
    public func reals(_ name: String) -> [Float] { columns[fieldIndex(name, [.real])].reals }
    /// The string indices of text field `name` (see ``strings``).
    public func textIndices(_ name: String) -> [Int32] { columns[fieldIndex(name, [.text])].texts }
    /// The text of field `name` in `row`.
    public func text(_ name: String, row: Int) -> String { strings[columns[fieldIndex(name, [.text])].texts[row]] }
    /// List field `name` in CSR form: row `r` holds `values[offsets[r]..<offsets[r+1]]`
    /// (string indices for text lists).
    public func list(_ name: String) -> (offsets: [Int], values: [Int64]) {
        let column = columns[fieldIndex(name, [.integerList, .textList])]
        return (column.listOffsets, column.listValues)
    }

    /// Keeps the rows at or after `start` for which `keep` is true (rows before `start` stay).
    public mutating func retainRows(from start: Int, where keep: (Int) -> Bool) {
        var kept: [Int] = []
        for row in start..<rowCount where keep(row) { kept.append(row) }
        guard kept.count != rowCount - start else { return }
        for index in columns.indices {
            var column = columns[index]
            switch schema.fields[index].kind {
            case .integer, .timestamp: column.integers = Array(column.integers[..<start]) + kept.map { column.integers[$0] }
            case .real: column.reals = Array(column.reals[..<start]) + kept.map { column.reals[$0] }
            case .text: column.texts = Array(column.texts[..<start]) + kept.map { column.texts[$0] }
            case .integerList, .textList:
                var offsets = Array(column.listOffsets[...start])
                var values = Array(column.listValues[..<column.listOffsets[start]])
                for row in kept {
                    values.append(contentsOf: column.listValues[column.listOffsets[row]..<column.listOffsets[row + 1]])
                    offsets.append(values.count)
                }
                column.listOffsets = offsets
                column.listValues = values
            }
            columns[index] = column
        }
        rowCount = start + kept.count
    }

    /// Sets the row count after columns were filled directly (deserialization).
    mutating func setRowCount(_ count: Int) { rowCount = count }

    /// A 64-bit hash of the key fields of `row`.
    func keyHash(row: Int, keyIndices: [Int]) -> UInt64 {
        var hash: UInt64 = 0x243F_6A88_85A3_08D3
        for index in keyIndices {
            let value: UInt64
            switch schema.fields[index].kind {
            case .text: value = UInt64(UInt32(bitPattern: columns[index].texts[row]))
            default: value = UInt64(bitPattern: columns[index].integers[row])
            }
            hash = Self.mix(hash ^ value)
        }
        return hash
    }

    /// Whether rows `a` and `b` have equal keys.
    func keysEqual(_ a: Int, _ b: Int, keyIndices: [Int]) -> Bool {
        for index in keyIndices {
            switch schema.fields[index].kind {
            case .text: if columns[index].texts[a] != columns[index].texts[b] { return false }
            default: if columns[index].integers[a] != columns[index].integers[b] { return false }
            }
        }
        return true
    }

    /// SplitMix64 finaliser.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
