import BacklineCore

extension SchemaMigrations {
    private static let analyticsStates = "'open', 'closing', 'published', 'failed'"

    /// Version 3: federated analytics queries and the noised histograms submitted to them. The
    /// histograms are keyed by (query, promoter), so a promoter submits once per query.
    static let sqliteVersion3 = """
        CREATE TABLE analytics_queries (
            id INTEGER PRIMARY KEY CHECK (id > 0),
            state TEXT NOT NULL CHECK (state IN (\(analyticsStates))),
            params_json TEXT NOT NULL,
            min_contributors INTEGER NOT NULL CHECK (min_contributors >= 3),
            deadline_ms INTEGER NOT NULL,
            result_json TEXT,
            failure_reason TEXT,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL);
        CREATE TABLE analytics_histograms (
            query_id INTEGER NOT NULL REFERENCES analytics_queries(id),
            promoter_id TEXT NOT NULL,
            payload BLOB NOT NULL,
            digest BLOB NOT NULL CHECK (length(digest) = 32),
            receipt_id TEXT NOT NULL UNIQUE,
            received_ms INTEGER NOT NULL,
            PRIMARY KEY (query_id, promoter_id));
        """

    /// Version 3 for PostgreSQL; see ``sqliteVersion3``.
    static let postgresVersion3 = """
        CREATE TABLE analytics_queries (
            id BIGINT PRIMARY KEY CHECK (id > 0),
            state TEXT NOT NULL CHECK (state IN (\(analyticsStates))),
            params_json TEXT NOT NULL,
            min_contributors BIGINT NOT NULL CHECK (min_contributors >= 3),
            deadline_ms BIGINT NOT NULL,
            result_json TEXT,
            failure_reason TEXT,
            created_ms BIGINT NOT NULL,
            updated_ms BIGINT NOT NULL);
        CREATE TABLE analytics_histograms (
            query_id BIGINT NOT NULL REFERENCES analytics_queries(id),
            promoter_id TEXT NOT NULL,
            payload BYTEA NOT NULL,
            digest BYTEA NOT NULL CHECK (octet_length(digest) = 32),
            receipt_id TEXT NOT NULL UNIQUE,
            received_ms BIGINT NOT NULL,
            PRIMARY KEY (query_id, promoter_id));
        """
}
