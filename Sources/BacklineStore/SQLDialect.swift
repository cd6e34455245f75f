import BacklineCore

/// The SQL dialect a query is rendered for: placeholders, table names and locking clauses differ.
public enum SQLDialect: Sendable, Hashable {
    /// SQLite: `?` placeholders; writers serialise on `BEGIN IMMEDIATE`.
    case sqlite
    /// PostgreSQL: `$1…$n` placeholders; rows locked with `FOR UPDATE`.
    case postgres

    /// The placeholder for the 1-based bind `position`.
    func placeholder(_ position: Int) -> String {
        switch self {
        case .sqlite: return "?"
        case .postgres: return "$\(position)"
        }
    }
}
