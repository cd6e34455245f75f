import BacklineCore

/// The versioned schema, per dialect. Version n's script takes a database at version n-1 to n;
/// a fresh database runs every script in order. Never edit a released script: add a version.
enum SchemaMigrations {
    /// The version this program writes and expects.
    static let latestVersion = 5

    /// The script taking the schema from `version - 1` to `version`.
    static func script(version: Int, dialect: SQLDialect) -> String {
        switch (version, dialect) {
        case (1, .sqlite): return sqliteVersion1
        case (1, .postgres): return postgresVersion1
        case (2, .sqlite): return sqliteVersion2
        case (2, .postgres): return postgresVersion2
        case (3, .sqlite): return sqliteVersion3
        case (3, .postgres): return postgresVersion3
        case (4, .sqlite): return sqliteVersion4
        case (4, .postgres): return postgresVersion4
        case (5, .sqlite): return sqliteVersion5
        case (5, .postgres): return postgresVersion5
        default: preconditionFailure("no migration script for version \(version)")
        }
    }

    static let schemaVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, applied_ms BIGINT NOT NULL);
        """

    private static let roundStates = "'open', 'collecting', 'aggregating', 'published', 'failed'"
    private static let updateStatuses = "'accepted', 'aggregated', 'rejected'"

    private static let sqliteVersion1 = """
        CREATE TABLE rounds (
            id INTEGER PRIMARY KEY CHECK (id > 0),
            state TEXT NOT NULL CHECK (state IN (\(roundStates))),
            min_clients INTEGER NOT NULL CHECK (min_clients > 0),
            deadline_ms INTEGER NOT NULL,
            params_json TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL);
        CREATE TABLE updates (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            promoter_id TEXT NOT NULL,
            payload BLOB NOT NULL,
            digest BLOB NOT NULL CHECK (length(digest) = 32),
            norm REAL NOT NULL CHECK (norm >= 0),
            sample_count INTEGER NOT NULL CHECK (sample_count >= 0),
            status TEXT NOT NULL CHECK (status IN (\(updateStatuses))),
            receipt_id TEXT NOT NULL UNIQUE,
            received_ms INTEGER NOT NULL,
            PRIMARY KEY (round_id, promoter_id));
        CREATE TABLE models (
            version INTEGER PRIMARY KEY CHECK (version > 0),
            bytes BLOB,
            path TEXT,
            checksum BLOB NOT NULL CHECK (length(checksum) = 32),
            round_id INTEGER REFERENCES rounds(id),
            created_ms INTEGER NOT NULL,
            CHECK (bytes IS NOT NULL OR path IS NOT NULL));
        CREATE TABLE privacy_ledger (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            promoter_id TEXT NOT NULL,
            round_id INTEGER,
            query TEXT,
            mechanism TEXT NOT NULL,
            params_json TEXT NOT NULL,
            epsilon REAL NOT NULL CHECK (epsilon >= 0),
            delta REAL NOT NULL CHECK (delta >= 0 AND delta < 1),
            recorded_ms INTEGER NOT NULL);
        CREATE INDEX privacy_ledger_promoter ON privacy_ledger (promoter_id, id);
        CREATE TABLE audit_log (
            idx INTEGER PRIMARY KEY CHECK (idx >= 0),
            entry BLOB NOT NULL,
            leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
            logged_ms INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            decision TEXT NOT NULL,
            round_id INTEGER);
        CREATE TABLE audit_checkpoints (
            size INTEGER PRIMARY KEY CHECK (size >= 0),
            note TEXT NOT NULL,
            created_ms INTEGER NOT NULL);
        CREATE TRIGGER audit_log_refuse_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'backline: audit_log is insert-only'); END;
        CREATE TRIGGER audit_log_refuse_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'backline: audit_log is insert-only'); END;
        CREATE TRIGGER audit_log_refuse_replace BEFORE INSERT ON audit_log
            WHEN EXISTS (SELECT 1 FROM audit_log WHERE idx = NEW.idx)
            BEGIN SELECT RAISE(ABORT, 'backline: audit_log is insert-only'); END;
        CREATE TRIGGER audit_checkpoints_refuse_replace BEFORE INSERT ON audit_checkpoints
            WHEN EXISTS (SELECT 1 FROM audit_checkpoints WHERE size = NEW.size)
            BEGIN SELECT RAISE(ABORT, 'backline: audit_checkpoints is insert-only'); END;
        CREATE TRIGGER audit_checkpoints_refuse_update BEFORE UPDATE ON audit_checkpoints
            BEGIN SELECT RAISE(ABORT, 'backline: audit_checkpoints is insert-only'); END;
        CREATE TRIGGER audit_checkpoints_refuse_delete BEFORE DELETE ON audit_checkpoints
            BEGIN SELECT RAISE(ABORT, 'backline: audit_checkpoints is insert-only'); END;
        CREATE TABLE identities (
            serial TEXT PRIMARY KEY,
            spiffe_id TEXT NOT NULL,
            role TEXT NOT NULL,
            registered_ms INTEGER NOT NULL);
        CREATE INDEX identities_spiffe ON identities (spiffe_id);
        CREATE TABLE revocations (
            serial TEXT PRIMARY KEY,
            spiffe_id TEXT NOT NULL,
            revoked_ms INTEGER NOT NULL,
            reason TEXT NOT NULL);
        """

    private static let sqliteVersion2 = """
        ALTER TABLE rounds ADD COLUMN claimed_by TEXT;
        ALTER TABLE updates ADD COLUMN payload_discarded_ms INTEGER;
        CREATE INDEX audit_log_actor_action ON audit_log (actor, action, idx);
        """

    /// Triggers that refuse UPDATE/DELETE (per row) and TRUNCATE (per statement) on `table`,
    /// enabled ALWAYS so `session_replication_role = replica` cannot switch them off.
    private static func postgresRefusalTriggers(_ table: String) -> String {
        """
        CREATE TRIGGER \(table)_refuse_update_delete BEFORE UPDATE OR DELETE ON audit.\(table)
            FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
        CREATE TRIGGER \(table)_refuse_truncate BEFORE TRUNCATE ON audit.\(table)
            FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
        ALTER TABLE audit.\(table) ENABLE ALWAYS TRIGGER \(table)_refuse_update_delete;
        ALTER TABLE audit.\(table) ENABLE ALWAYS TRIGGER \(table)_refuse_truncate;
        """
    }

    private static let postgresVersion1 = """
        CREATE TABLE rounds (
            id BIGINT PRIMARY KEY CHECK (id > 0),
            state TEXT NOT NULL CHECK (state IN (\(roundStates))),
            min_clients BIGINT NOT NULL CHECK (min_clients > 0),
            deadline_ms BIGINT NOT NULL,
            params_json TEXT NOT NULL,
            created_ms BIGINT NOT NULL,
            updated_ms BIGINT NOT NULL);
        CREATE TABLE updates (
            round_id BIGINT NOT NULL REFERENCES rounds(id),
            promoter_id TEXT NOT NULL,
            payload BYTEA NOT NULL,
            digest BYTEA NOT NULL CHECK (octet_length(digest) = 32),
            norm DOUBLE PRECISION NOT NULL CHECK (norm >= 0),
            sample_count BIGINT NOT NULL CHECK (sample_count >= 0),
            status TEXT NOT NULL CHECK (status IN (\(updateStatuses))),
            receipt_id TEXT NOT NULL UNIQUE,
            received_ms BIGINT NOT NULL,
            PRIMARY KEY (round_id, promoter_id));
        CREATE TABLE models (
            version BIGINT PRIMARY KEY CHECK (version > 0),
            bytes BYTEA,
            path TEXT,
            checksum BYTEA NOT NULL CHECK (octet_length(checksum) = 32),
            round_id BIGINT REFERENCES rounds(id),
            created_ms BIGINT NOT NULL,
            CHECK (bytes IS NOT NULL OR path IS NOT NULL));
        CREATE TABLE privacy_ledger (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            promoter_id TEXT NOT NULL,
            round_id BIGINT,
            query TEXT,
            mechanism TEXT NOT NULL,
            params_json TEXT NOT NULL,
            epsilon DOUBLE PRECISION NOT NULL CHECK (epsilon >= 0),
            delta DOUBLE PRECISION NOT NULL CHECK (delta >= 0 AND delta < 1),
            recorded_ms BIGINT NOT NULL);
        CREATE INDEX privacy_ledger_promoter ON privacy_ledger (promoter_id, id);
        CREATE SCHEMA audit;
        REVOKE ALL ON SCHEMA audit FROM PUBLIC;
        CREATE TABLE audit.log (
            idx BIGINT PRIMARY KEY CHECK (idx >= 0),
            entry BYTEA NOT NULL,
            leaf_hash BYTEA NOT NULL CHECK (octet_length(leaf_hash) = 32),
            logged_ms BIGINT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            decision TEXT NOT NULL,
            round_id BIGINT);
        CREATE TABLE audit.checkpoints (
            size BIGINT PRIMARY KEY CHECK (size >= 0),
            note TEXT NOT NULL,
            created_ms BIGINT NOT NULL);
        CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'backline: %.% is insert-only (% refused)', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'BLA01';
        END
        $$;
        \(postgresRefusalTriggers("log"))
        \(postgresRefusalTriggers("checkpoints"))
        CREATE TABLE identities (
            serial TEXT PRIMARY KEY,
            spiffe_id TEXT NOT NULL,
            role TEXT NOT NULL,
            registered_ms BIGINT NOT NULL);
        CREATE INDEX identities_spiffe ON identities (spiffe_id);
        CREATE TABLE revocations (
            serial TEXT PRIMARY KEY,
            spiffe_id TEXT NOT NULL,
            revoked_ms BIGINT NOT NULL,
            reason TEXT NOT NULL);
        """

    private static let postgresVersion2 = """
        ALTER TABLE rounds ADD COLUMN claimed_by TEXT;
        ALTER TABLE updates ADD COLUMN payload_discarded_ms BIGINT;
        CREATE INDEX audit_log_actor_action ON audit.log (actor, action, idx);
        """
}
