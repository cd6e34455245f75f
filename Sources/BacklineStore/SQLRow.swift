import BacklineCore

/// One result row: values in the order of the SELECT list, read by position.
public struct SQLRow: Sendable {
    /// The column values.
    public let values: [SQLValue]

    /// Creates a row.
    public init(values: [SQLValue]) { self.values = values }

    private func value(_ index: Int) throws -> SQLValue {
        guard values.indices.contains(index) else {
            throw StoreError.database(.database, "result has \(values.count) columns, column \(index) asked for")
        }
        return values[index]
    }

    private func mismatch(_ index: Int, _ expected: String) -> StoreError {
        StoreError.database(.database, "column \(index) is not \(expected)")
    }

    /// Column `index` as a 64-bit integer.
    public func int64(_ index: Int) throws -> Int64 {
        guard case .integer(let value) = try value(index) else { throw mismatch(index, "an integer") }
        return value
    }

    /// Column `index` as an integer, or nil when NULL.
    public func optionalInt64(_ index: Int) throws -> Int64? {
        if case .null = try value(index) { return nil }
        return try int64(index)
    }

    /// Column `index` as a double (integers are widened).
    public func double(_ index: Int) throws -> Double {
        switch try value(index) {
        case .double(let value): return value
        case .integer(let value): return Double(value)
        default: throw mismatch(index, "a number")
        }
    }

    /// Column `index` as an optional double.
    public func optionalDouble(_ index: Int) throws -> Double? {
        if case .null = try value(index) { return nil }
        return try double(index)
    }

    /// Column `index` as text.
    public func string(_ index: Int) throws -> String {
        guard case .text(let value) = try value(index) else { throw mismatch(index, "text") }
        return value
    }

    /// Column `index` as text, or nil when NULL.
    public func optionalString(_ index: Int) throws -> String? {
        if case .null = try value(index) { return nil }
        return try string(index)
    }

    /// Column `index` as bytes.
    public func bytes(_ index: Int) throws -> [UInt8] {
        guard case .blob(let value) = try value(index) else { throw mismatch(index, "bytes") }
        return value
    }

    /// Column `index` as bytes, or nil when NULL.
    public func optionalBytes(_ index: Int) throws -> [UInt8]? {
        if case .null = try value(index) { return nil }
        return try bytes(index)
    }
}
