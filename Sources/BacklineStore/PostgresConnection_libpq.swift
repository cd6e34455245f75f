import BacklineCore
internal import CLibPQ
import Foundation

/// One libpq connection (`PGconn *`), finished in `deinit`. Every statement with binds goes
/// through `PQprepare` + `PQexecPrepared` (cached per SQL text and parameter types) with binary
/// parameters and results; `PGresult`s are cleared in `defer`. A lost connection is reopened by
/// ``ensureConnected()`` with the configuration's bounded backoff.
final class PostgresConnection: SQLConnection {
    let dialect = SQLDialect.postgres
    private let configuration: PostgresConfiguration
    private var handle: OpaquePointer?
    private var prepared: [String: String] = [:]
    /// Prepared statements kept per connection before they are all released.
    private static let maxPreparedStatements = 256

    init(_ configuration: PostgresConfiguration) throws {
        self.configuration = configuration
        try ensureConnected()
    }

    deinit { if let handle { PQfinish(handle) } }

    // MARK: connecting

    func ensureConnected() throws {
        if let handle, PQstatus(handle) == CONNECTION_OK { return }
        do {
            try configuration.reconnectPolicy.run { try connect() }
        } catch let error as StoreError {
            throw StoreError.database(
                .unavailable,
                "PostgreSQL (\(configuration.redactedDescription)) unreachable after "
                    + "\(configuration.reconnectPolicy.maxAttempts) attempts: \(error.reason)"
            )
        }
    }

    private func connect() throws {
        if let handle { PQfinish(handle) }
        handle = nil
        prepared.removeAll()
        let pairs = configuration.keywordValuePairs
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { for pointer in keywords + values { free(pointer) } }
        let connection = PQconnectdbParams(
            keywords.map { UnsafePointer($0) } + [nil],
            values.map { UnsafePointer($0) } + [nil],
            0
        )
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(connection)
            throw StoreError.database(.unavailable, message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // Server notices ("relation already exists, skipping") are not for the terminal.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    private func liveHandle() throws -> OpaquePointer {
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            throw StoreError.database(.unavailable, "PostgreSQL connection is closed")
        }
        return handle
    }

    // MARK: statements

    func query(_ query: SQLQuery) throws -> [SQLRow] { try run(query).rows }

    @discardableResult
    func execute(_ query: SQLQuery) throws -> Int { try run(query).affected }

    private func run(_ query: SQLQuery) throws -> (rows: [SQLRow], affected: Int) {
        let handle = try liveHandle()
        let (sql, binds) = query.rendered(for: dialect)
        let encoded = binds.map(PostgresBinary.encode)
        let name = try statementName(sql, types: encoded.map(\.oid), handle: handle)
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        defer { for buffer in buffers { buffer?.deallocate() } }
        for (_, bytes) in encoded {
            guard let bytes else {
                buffers.append(nil)
                continue
            }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: source.count) }
            }
            buffers.append(buffer)
        }
        let lengths = encoded.map { Int32($0.bytes?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: encoded.count)
        let result = PQexecPrepared(handle, name, Int32(encoded.count), buffers.map { UnsafePointer($0) }, lengths, formats, 1)
        defer { PQclear(result) }
        try check(result, handle: handle, action: "running a statement")
        return (try rows(of: result), Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    private func statementName(_ sql: String, types: [UInt32], handle: OpaquePointer) throws -> String {
        let key = types.map(String.init).joined(separator: ",") + "|" + sql
        if let name = prepared[key] { return name }
        if prepared.count >= Self.maxPreparedStatements {
            // NULL binds in varying positions make new shapes; keep the server's share bounded.
            let result = PQexec(handle, "DEALLOCATE ALL")
            defer { PQclear(result) }
            try check(result, handle: handle, action: "releasing prepared statements")
            prepared.removeAll()
        }
        let name = "backline_\(prepared.count)"
        let result = PQprepare(handle, name, sql, Int32(types.count), types)
        defer { PQclear(result) }
        try check(result, handle: handle, action: "preparing a statement")
        prepared[key] = name
        return name
    }

    private func rows(of result: OpaquePointer?) throws -> [SQLRow] {
        guard let result, PQresultStatus(result) == PGRES_TUPLES_OK else { return [] }
        let columns = PQnfields(result)
        return try (0..<PQntuples(result)).map { row in
            SQLRow(
                values: try (0..<columns).map { column in
                    if PQgetisnull(result, row, column) != 0 { return .null }
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
                    return try PostgresBinary.decode(bytes, oid: PQftype(result, column))
                }
            )
        }
    }

    func executeScript(unsafeSQL sql: String) throws {
        let handle = try liveHandle()
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, handle: handle, action: "running a script")
    }

    // MARK: transactions

    func begin() throws { try executeScript(unsafeSQL: "BEGIN ISOLATION LEVEL READ COMMITTED") }

    func commit() throws {
        let handle = try liveHandle()
        let result = PQexec(handle, "COMMIT")
        defer { PQclear(result) }
        do {
            try check(result, handle: handle, action: "committing")
        } catch let error as StoreError where error.code == .unavailable {
            throw StoreError.database(.commitOutcomeUnknown, "connection lost during COMMIT: \(error.reason)")
        }
        // COMMIT of an aborted transaction "succeeds" as ROLLBACK.
        let status = String(cString: PQcmdStatus(result))
        guard status == "COMMIT" else {
            throw StoreError.database(.database, "transaction was rolled back by the server (\(status))")
        }
    }

    func rollback() {
        guard let handle, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) != PQTRANS_IDLE else { return }
        PQclear(PQexec(handle, "ROLLBACK"))
    }

    // MARK: errors

    /// Throws the mapped error unless `result` reports success. Messages carry the SQLSTATE and
    /// the server's primary message, never DETAIL (which can quote values).
    private func check(_ result: OpaquePointer?, handle: OpaquePointer, action: String) throws {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return }
        let sqlState = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
        let primary =
            result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
            ?? String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
        let lost = PQstatus(handle) != CONNECTION_OK
        let code = lost ? StoreError.Code.unavailable : Self.code(forSQLState: sqlState)
        throw StoreError.database(code, "PostgreSQL \(action): \(sqlState.isEmpty ? "" : "[\(sqlState)] ")\(primary)")
    }

    /// The store error code for a SQLSTATE.
    static func code(forSQLState state: String) -> StoreError.Code {
        switch state {
        case "23505": return .conflict
        case "42501": return .permissionDenied
        case "BLA01": return .appendOnly
        case "53100": return .storageFull
        case "40001", "40P01", "55P03": return .busy
        case "57P01", "57P02", "57P03": return .unavailable
        default:
            if state.hasPrefix("08") { return .unavailable }
            if state.hasPrefix("23") || state.hasPrefix("22") { return .invalidInput }
            return .database
        }
    }
}
