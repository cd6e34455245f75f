import BacklineCore

extension SQLFederationStore {
    /// PostgreSQL only, run as the schema owner: lets `application` (the aggregator's role) read
    /// and write rounds, updates, models, identities, revocations, analytics queries and histograms
    /// (no DELETE on those), append to and read the ledger, and only INSERT/SELECT the audit tables;
    /// lets `auditor` SELECT the audit tables and the ledger and nothing else. Both roles must exist. Together with the ALWAYS triggers
    /// this makes the audit log insert-only for everyone but a superuser.
    public func grantAccessRoles(application: String, auditor: String) throws {
        guard dialect == .postgres else {
            throw StoreError.invalidInput("grantAccessRoles", "roles exist only on PostgreSQL")
        }
        let app = try Self.quotedRole(application)
        let audit = try Self.quotedRole(auditor)
        // Role names cannot be binds; they are checked to be plain identifiers and quoted above.
        let script = """
            GRANT USAGE ON SCHEMA public, audit TO \(app), \(audit);
            GRANT SELECT, INSERT, UPDATE, DELETE ON rounds, updates, models, identities, revocations TO \(app);
            GRANT SELECT, INSERT, UPDATE ON analytics_queries, analytics_histograms TO \(app);
            GRANT SELECT, INSERT ON optimizer_states TO \(app);
            GRANT SELECT, INSERT ON privacy_ledger TO \(app);
            GRANT SELECT ON schema_version TO \(app);
            GRANT SELECT, INSERT ON audit.log, audit.checkpoints TO \(app);
            GRANT SELECT ON audit.log, audit.checkpoints, privacy_ledger TO \(audit);
            """
        try withConnection { try $0.executeScript(unsafeSQL: script) }
    }

    /// `"name"` for a lowercase identifier of at most 63 bytes; anything else is refused.
    static func quotedRole(_ name: String) throws -> String {
        let bytes = Array(name.utf8)
        let valid =
            !bytes.isEmpty && bytes.count <= 63
            && bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
            && !(bytes[0] >= 0x30 && bytes[0] <= 0x39)
        guard valid else {
            throw StoreError.invalidInput("role name", "must match [a-z_][a-z0-9_]{0,62}")
        }
        return "\"\(name)\""
    }
}
