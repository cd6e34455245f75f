import BacklineCore

extension SchemaMigrations {
    /// Version 4: the server optimizer's state (FedAdam/FedYogi moments and step) after each
    /// published model version, written in the same transaction as the version, so a restarted or
    /// second aggregator continues from the state the model was made with instead of from zero.
    static let sqliteVersion4 = """
        CREATE TABLE optimizer_states (
            version INTEGER PRIMARY KEY REFERENCES models(version),
            state BLOB NOT NULL);
        """

    /// Version 4 for PostgreSQL; see ``sqliteVersion4``.
    static let postgresVersion4 = """
        CREATE TABLE optimizer_states (
            version BIGINT PRIMARY KEY REFERENCES models(version),
            state BYTEA NOT NULL);
        """
}
