import BacklineCore

/// One database connection as the SQL store drives it. Not thread-safe: the owning
/// ``SQLFederationStore`` serialises every call.
package protocol SQLConnection: AnyObject {
    /// The dialect queries are rendered for.
    var dialect: SQLDialect { get }
    /// Runs `query` and returns its rows.
    func query(_ query: SQLQuery) throws -> [SQLRow]
    /// Runs `query` and returns the number of rows it changed.
    @discardableResult func execute(_ query: SQLQuery) throws -> Int
    /// Runs several statements with no binds (schema DDL written in the source).
    func executeScript(unsafeSQL: String) throws
    /// Starts a write transaction.
    func begin() throws
    /// Commits; a connection lost here throws ``StoreError/Code/commitOutcomeUnknown``.
    func commit() throws
    /// Rolls back, ignoring failures (the connection may be gone).
    func rollback()
    /// Makes sure the connection is usable, reconnecting with bounded backoff if it was lost.
    func ensureConnected() throws
}
