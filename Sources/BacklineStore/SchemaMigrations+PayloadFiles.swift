import BacklineCore

extension SchemaMigrations {
    /// Version 5: an update's payload may live in a file of the store's payload spool (SQLite,
    /// ``UpdatePayloadSpool``) instead of the row; `payload_file` names it and `payload` is empty.
    /// PostgreSQL keeps payloads in the row (replicas on other hosts read them) and gets the same
    /// column so both schemas stay alike.
    static let sqliteVersion5 = "ALTER TABLE updates ADD COLUMN payload_file TEXT;"

    /// Version 5 for PostgreSQL; see ``sqliteVersion5``.
    static let postgresVersion5 = "ALTER TABLE updates ADD COLUMN payload_file TEXT;"
}
