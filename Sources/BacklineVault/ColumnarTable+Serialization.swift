public import BacklineCore

/// Binary form of a table (format version 1, all integers little-endian):
///
/// ```
/// "BLTB"  u16 format version  u16 schema version  string table name  u64 row count  u16 field count
/// per field: string name, u8 kind, payload
///   integer/timestamp: rows × i64     real: rows × f32 bits     text: rows × u32 string index
///   lists: (rows+1) × u64 offsets, then values × i64 (values = last offset)
/// u32 string count, then per string: u32 length + UTF-8 bytes (string 0 is always "")
/// 32-byte SHA-256 of every byte before it; then the stream must end.
/// ```
/// (`string` = u32 length + UTF-8.) Reading checks magic, versions, the table name and every
/// field name/kind against the schema, counts against limits, text indices and list offsets
/// against their bounds, finiteness of reals, the checksum and the end of the stream.
extension ColumnarTable {
    static let magic: [UInt8] = Array("BLTB".utf8)
    /// Version of the table stream format.
    public static let formatVersion = 1
    static let maximumRows = 1 << 36
    static let maximumStrings = 1 << 28

    /// Writes the table to `writer` and finishes it.
    public func write(to writer: any ByteStreamWriter) throws {
        let out = TableStreamWriter(writer)
        try out.bytes(Self.magic)
        try out.integer(UInt16(Self.formatVersion))
        try out.integer(UInt16(VaultSchema.version))
        try out.string(schema.name)
        try out.integer(UInt64(rowCount))
        try out.integer(UInt16(schema.fields.count))
        for (index, field) in schema.fields.enumerated() {
            try out.string(field.name)
            try out.integer(field.kind.rawValue)
            let column = columns[index]
            switch field.kind {
            case .integer, .timestamp: try out.array(column.integers)
            case .real: try out.array(column.reals.map(\.bitPattern))
            case .text: try out.array(column.texts)
            case .integerList, .textList:
                try out.array(column.listOffsets.map { UInt64($0) })
                try out.array(column.listValues)
            }
        }
        try out.integer(UInt32(strings.count))
        for string in strings.strings { try out.string(string) }
        try out.finishWithChecksum()
    }

    /// Reads a table of `schema` from `reader`, named `name` in errors.
    public static func read(schema: TableSchema, from reader: any ByteStreamReader, name: String) throws -> ColumnarTable {
        let input = TableStreamReader(reader, name: name)
        let what = "stream \(name)"
        guard try input.bytes(count: 4) == magic else { throw VaultError.corrupt(what, "not a vault table (bad magic)") }
        let format = Int(try input.integer(UInt16.self))
        guard format == formatVersion else { throw VaultError.unsupportedVersion(what, found: format, supported: formatVersion) }
        let schemaVersion = Int(try input.integer(UInt16.self))
        guard schemaVersion == VaultSchema.version else {
            throw VaultError.unsupportedVersion("\(what) schema", found: schemaVersion, supported: VaultSchema.version)
        }
        let tableName = try input.string(maximumBytes: 256)
        guard tableName == schema.name else { throw VaultError.corrupt(what, "holds table '\(tableName)', expected '\(schema.name)'") }
        let rows64 = try input.integer(UInt64.self)
        guard rows64 <= UInt64(maximumRows) else { throw VaultError.corrupt(what, "row count \(rows64) exceeds \(maximumRows)") }
        let rows = Int(rows64)
        let fieldCount = Int(try input.integer(UInt16.self))
        guard fieldCount == schema.fields.count else {
            throw VaultError.corrupt(what, "has \(fieldCount) fields, schema has \(schema.fields.count)")
        }
        var table = ColumnarTable(schema: schema)
        var textColumns: [Int] = []
        var textListColumns: [Int] = []
        for (index, field) in schema.fields.enumerated() {
            let fieldName = try input.string(maximumBytes: 256)
            let kind = try input.integer(UInt8.self)
            guard fieldName == field.name, kind == field.kind.rawValue else {
                throw VaultError.corrupt(
                    what,
                    "field \(index) is '\(fieldName)' of kind \(kind), expected '\(field.name)' of kind \(field.kind.rawValue)"
                )
            }
            var column = Column()
            switch field.kind {
            case .integer, .timestamp:
                column.integers = try input.array(Int64.self, count: rows)
            case .real:
                column.reals = try input.array(UInt32.self, count: rows).map(Float.init(bitPattern:))
                guard column.reals.allSatisfy(\.isFinite) else {
                    throw VaultError.corrupt(what, "field \(field.name) holds a non-finite number")
                }
            case .text:
                column.texts = try input.array(Int32.self, count: rows)
                textColumns.append(index)
            case .integerList, .textList:
                let offsets = try input.array(UInt64.self, count: rows + 1)
                guard offsets.first == 0 else { throw VaultError.corrupt(what, "field \(field.name) list offsets do not start at 0") }
                for position in 1..<offsets.count where offsets[position] < offsets[position - 1] {
                    throw VaultError.corrupt(what, "field \(field.name) list offsets decrease at row \(position - 1)")
                }
                let valueCount = offsets.last ?? 0
                guard valueCount <= UInt64(maximumRows) else {
                    throw VaultError.corrupt(what, "field \(field.name) has \(valueCount) list values")
                }
                column.listOffsets = offsets.map { Int($0) }
                column.listValues = try input.array(Int64.self, count: Int(valueCount))
                if field.kind == .textList { textListColumns.append(index) }
            }
            table.columns[index] = column
        }
        let stringCount = Int(try input.integer(UInt32.self))
        guard stringCount >= 1, stringCount <= maximumStrings else {
            throw VaultError.corrupt(what, "string count \(stringCount) out of range")
        }
        var strings = StringTable()
        for position in 0..<stringCount {
            let string = try input.string()
            if position == 0 {
                guard string.isEmpty else { throw VaultError.corrupt(what, "string 0 is not empty") }
                continue
            }
            guard strings.intern(string) == Int32(position) else { throw VaultError.corrupt(what, "string \(position) is a duplicate") }
        }
        for index in textColumns where table.columns[index].texts.contains(where: { $0 < 0 || Int($0) >= stringCount }) {
            throw VaultError.corrupt(what, "field \(schema.fields[index].name) refers to a string beyond the \(stringCount) stored")
        }
        for index in textListColumns where table.columns[index].listValues.contains(where: { $0 < 0 || $0 >= Int64(stringCount) }) {
            throw VaultError.corrupt(what, "field \(schema.fields[index].name) refers to a string beyond the \(stringCount) stored")
        }
        try input.verifyChecksumAndEnd()
        table.strings = strings
        table.setRowCount(rows)
        return table
    }
}
