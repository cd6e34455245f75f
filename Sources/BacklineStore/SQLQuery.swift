import BacklineCore

/// A SQL statement whose interpolated values become binds (`?` or `$n`), never SQL text:
/// `"SELECT state FROM \(table: .rounds) WHERE id = \(roundID)"`.
///
/// Only string literals written in the source become SQL. Identifiers come from ``StoreTable``;
/// anything else built at run time must go through the loudly named ``init(unsafeSQL:)``.
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation {
    enum Fragment: Sendable {
        case sql(String)
        case bind(SQLValue)
        case table(StoreTable)
        case forUpdate
    }

    private(set) var fragments: [Fragment]

    /// Treats `unsafeSQL` as SQL text. Never pass text that contains values from outside.
    public init(unsafeSQL: String) { fragments = [.sql(unsafeSQL)] }

    /// A literal with no interpolations is SQL text written in the source.
    public init(stringLiteral value: String) { fragments = [.sql(value)] }

    /// Builds the query from an interpolation.
    public init(stringInterpolation: Interpolation) { fragments = stringInterpolation.fragments }

    /// Appends `other`, keeping its binds as binds.
    public mutating func append(_ other: SQLQuery) { fragments += other.fragments }

    /// The query text for `dialect` and its binds in order.
    public func rendered(for dialect: SQLDialect) -> (sql: String, binds: [SQLValue]) {
        var sql = ""
        var binds: [SQLValue] = []
        for fragment in fragments {
            switch fragment {
            case .sql(let text): sql += text
            case .bind(let value):
                binds.append(value)
                sql += dialect.placeholder(binds.count)
            case .table(let table): sql += table.name(for: dialect)
            case .forUpdate: if dialect == .postgres { sql += " FOR UPDATE" }
            }
        }
        return (sql, binds)
    }

    /// The interpolation that records literal SQL and binds separately.
    public struct Interpolation: StringInterpolationProtocol {
        var fragments: [Fragment] = []

        /// Reserves space.
        public init(literalCapacity: Int, interpolationCount: Int) {
            fragments.reserveCapacity(2 * interpolationCount + 1)
        }
        /// Source-written SQL text.
        public mutating func appendLiteral(_ literal: String) { fragments.append(.sql(literal)) }
        /// A value, bound as a parameter.
        public mutating func appendInterpolation(_ value: some SQLBindable) { fragments.append(.bind(value.sqlValue)) }
        /// An optional value, bound as a parameter (NULL when nil).
        public mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            fragments.append(.bind(value.sqlValue))
        }
        /// A table name for the dialect.
        public mutating func appendInterpolation(table: StoreTable) { fragments.append(.table(table)) }
        /// ` FOR UPDATE` on PostgreSQL; nothing on SQLite, whose write transactions are exclusive.
        public mutating func appendInterpolation(lockRows: Void) { fragments.append(.forUpdate) }
        /// Another query, spliced in with its binds.
        public mutating func appendInterpolation(_ query: SQLQuery) { fragments += query.fragments }
    }
}
