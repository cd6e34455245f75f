import BacklineCore

/// One value bound to a statement parameter or read from a result column.
public enum SQLValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// A 64-bit integer (SQLite INTEGER, PostgreSQL BIGINT).
    case integer(Int64)
    /// A finite or non-finite double (SQLite REAL, PostgreSQL DOUBLE PRECISION).
    case double(Double)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes (SQLite BLOB, PostgreSQL BYTEA).
    case blob([UInt8])
}

/// A Swift value that can be bound as a statement parameter; interpolating one into an
/// ``SQLQuery`` makes it a bind, never SQL text.
public protocol SQLBindable: Sendable {
    /// The value as bound to the database.
    var sqlValue: SQLValue { get }
}

extension Int64: SQLBindable {
    /// The integer.
    public var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLBindable {
    /// The integer, widened to 64 bits.
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Double: SQLBindable {
    /// The double.
    public var sqlValue: SQLValue { .double(self) }
}

extension String: SQLBindable {
    /// The text.
    public var sqlValue: SQLValue { .text(self) }
}

extension Array: SQLBindable where Element == UInt8 {
    /// The bytes.
    public var sqlValue: SQLValue { .blob(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    /// The wrapped value, or NULL.
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

extension SQLValue: SQLBindable {
    /// Itself.
    public var sqlValue: SQLValue { self }
}
