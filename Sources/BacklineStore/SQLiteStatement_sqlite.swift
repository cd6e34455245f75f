import BacklineCore
internal import CBacklineShims
internal import CSQLite

/// One prepared SQLite statement, finalised in `deinit`. Reused through the connection's cache:
/// reset and cleared of binds after every run.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private unowned let connection: SQLiteConnection

    init(connection: SQLiteConnection, database: OpaquePointer, sql: String) throws {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw connection.error(status, while: "preparing a statement")
        }
        self.handle = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `values`, steps to completion and returns every row.
    func run(_ values: [SQLValue]) throws -> [SQLRow] {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == values.count else {
            throw StoreError.database(.database, "statement has \(expected) parameters, \(values.count) binds given")
        }
        for (offset, value) in values.enumerated() { try bind(value, at: Int32(offset + 1)) }
        var rows: [SQLRow] = []
        while true {
            let status = sqlite3_step(handle)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw connection.error(status, while: "running a statement") }
            rows.append(SQLRow(values: (0..<sqlite3_column_count(handle)).map(column)))
        }
    }

    private func bind(_ value: SQLValue, at index: Int32) throws {
        let status: Int32
        switch value {
        case .null: status = sqlite3_bind_null(handle, index)
        case .integer(let number): status = sqlite3_bind_int64(handle, index, number)
        case .double(let number): status = sqlite3_bind_double(handle, index, number)
        case .text(let text):
            status = sqlite3_bind_text64(
                handle,
                index,
                text,
                sqlite3_uint64(text.utf8.count),
                CBacklineShims_SQLITE_TRANSIENT,
                UInt8(SQLITE_UTF8)
            )
        case .blob(let bytes):
            if bytes.isEmpty {
                // A zero-length blob, not NULL (a nil pointer would bind NULL).
                status = sqlite3_bind_zeroblob(handle, index, 0)
            } else {
                status = bytes.withUnsafeBytes {
                    sqlite3_bind_blob64(handle, index, $0.baseAddress, sqlite3_uint64($0.count), CBacklineShims_SQLITE_TRANSIENT)
                }
            }
        }
        guard status == SQLITE_OK else { throw connection.error(status, while: "binding parameter \(index)") }
    }

    private func column(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(handle, index) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }
}
