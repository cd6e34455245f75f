import BacklineCore

extension SchemaMigrations {
    /// Version 5: an update's payload and a model version's bytes may live in files of the store's
    /// spool (SQLite, ``StoreSpool``) instead of the rows; `payload_file` / `bytes_file`
    /// name them and `payload` / `bytes` are empty. PostgreSQL keeps both in the rows (replicas on
    /// other hosts read them) and gets the same columns so both schemas stay alike.
    /// It also indexes analytics queries by state, which the aggregator's clock asks for each second.
    static let sqliteVersion5 = """
        ALTER TABLE updates ADD COLUMN payload_file TEXT;
        ALTER TABLE models ADD COLUMN bytes_file TEXT;
        CREATE INDEX analytics_queries_state ON analytics_queries (state);
        """

    /// Version 5 for PostgreSQL; see ``sqliteVersion5``.
    static let postgresVersion5 = sqliteVersion5
}
