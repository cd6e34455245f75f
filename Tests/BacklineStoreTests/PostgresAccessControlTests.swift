import BacklineCore
import Foundation
import Testing

@testable import BacklineStore

/// SECURITY-TESTS 37 and 42: an application role that may only INSERT/SELECT the audit tables,
/// an auditor role that may only read the audit tables and the ledger, and ALWAYS triggers that
/// stop even the owner from changing or truncating the audit log.
@Suite(.enabled(if: PostgresTestEnvironment.isAvailable, "needs BACKLINE_PG_URL"))
struct PostgresAccessControlTests {
    /// ``PostgresAccessRoles/with(_:)`` with a round, three audit entries and a checkpoint stored.
    private func withRoles(
        _ body: (
            _ owner: SQLFederationStore, _ app: PostgresConfiguration,
            _ auditor: PostgresConfiguration
        ) throws -> Void
    ) throws {
        try PostgresAccessRoles.with { owner, app, auditor in
            try owner.createRound(StoreSamples.round(1))
            try owner.appendAuditEntries((0..<3).map { StoreSamples.auditEntry($0) })
            try owner.withTransaction {
                try $0.insertCheckpoint(
                    CheckpointRecord(
                        size: 3,
                        signedNote: "example.org/fl-audit\n3\nroot\n",
                        createdAt: StoreSamples.time(3)
                    )
                )
            }
            try body(owner, app, auditor)
        }
    }

    private func privilege(_ owner: SQLFederationStore, _ role: String, _ table: String, _ privilege: String) throws -> Bool {
        try PostgresAccessRoles.privilege(owner, role, table, privilege)
    }

    @Test func grantsMatchTheRoles() throws {
        try withRoles { owner, app, auditor in
            let appRole = try #require(app.user)
            let auditorRole = try #require(auditor.user)
            for table in ["audit.log", "audit.checkpoints"] {
                #expect(try privilege(owner, appRole, table, "INSERT"))
                #expect(try privilege(owner, appRole, table, "SELECT"))
                for denied in ["UPDATE", "DELETE", "TRUNCATE"] {
                    #expect(try !privilege(owner, appRole, table, denied), "app \(denied) on \(table)")
                }
                #expect(try privilege(owner, auditorRole, table, "SELECT"))
                #expect(try !privilege(owner, auditorRole, table, "INSERT"))
            }
            #expect(try privilege(owner, auditorRole, "privacy_ledger", "SELECT"))
            for table in ["updates", "models", "rounds", "identities", "revocations"] {
                for any in ["SELECT", "INSERT", "UPDATE", "DELETE"] {
                    #expect(try !privilege(owner, auditorRole, table, any), "auditor \(any) on \(table)")
                }
            }
        }
    }

    static let tamperings = [
        "UPDATE audit.log SET decision = 'deny' WHERE idx = 1",
        "DELETE FROM audit.log WHERE idx = 2",
        "TRUNCATE audit.log",
        "UPDATE audit.checkpoints SET note = 'x'",
        "DELETE FROM audit.checkpoints",
        "TRUNCATE audit.checkpoints",
    ]

    @Test func theApplicationRoleIsDeniedAndTheOwnerHitsTheTriggers() throws {
        try withRoles { owner, app, _ in
            let appStore = try SQLFederationStore.makePostgres(app)
            // The application role works normally…
            _ = try appStore.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [1]))
            try appStore.appendAuditEntries([StoreSamples.auditEntry(3)])
            try appStore.withTransaction {
                _ = try $0.appendLedgerEntry(
                    LedgerEntryRecord(
                        promoterID: "p1",
                        round: 1,
                        mechanism: "gaussian",
                        parametersJSON: "{}",
                        epsilon: 0.1,
                        delta: 1e-6,
                        recordedAt: StoreSamples.time(1)
                    )
                )
            }
            let before = try owner.auditEntries()
            for attack in Self.tamperings {
                let denied = #expect(throws: StoreError.self) {
                    try appStore.withConnection { try $0.execute(SQLQuery(unsafeSQL: attack)) }
                }
                #expect(denied?.code == .permissionDenied, "app: \(attack) → \(String(describing: denied))")
                let refused = #expect(throws: StoreError.self) {
                    try owner.withConnection { try $0.execute(SQLQuery(unsafeSQL: attack)) }
                }
                #expect(refused?.code == .appendOnly, "owner: \(attack) → \(String(describing: refused))")
            }
            // Replica mode does not switch ALWAYS triggers off.
            let replica = #expect(throws: StoreError.self) {
                try owner.withConnection {
                    try $0.executeScript(unsafeSQL: "SET session_replication_role = replica; DELETE FROM audit.log;")
                }
            }
            #expect(replica?.code == .appendOnly)
            try owner.withConnection { try $0.executeScript(unsafeSQL: "SET session_replication_role = origin") }
            #expect(try owner.auditEntries() == before)
            let triggers = try owner.withConnection {
                try $0.query(
                    """
                    SELECT t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'audit' AND NOT t.tgisinternal ORDER BY t.tgname
                    """
                )
            }
            #expect(triggers.count == 4)
            for trigger in triggers {
                let name = try trigger.string(0)
                #expect(try trigger.string(1) == "A", "\(name)")
            }
        }
    }

    /// SECURITY-TESTS 76 (database part): the auditor's role cannot read updates or models.
    @Test func theAuditorReadsTheLogButNotUpdates() throws {
        try withRoles { owner, _, auditor in
            _ = try owner.submitUpdate(StoreSamples.submission(round: 1, promoter: "p1", payload: [1]))
            let connection = try PostgresConnection(auditor)
            #expect(try connection.query("SELECT count(*) FROM audit.log").first?.int64(0) == 3)
            for attack in ["SELECT payload FROM updates", "SELECT bytes FROM models", "INSERT INTO audit.checkpoints VALUES (0, 'x', 0)"] {
                let denied = #expect(throws: StoreError.self) { try connection.query(SQLQuery(unsafeSQL: attack)) }
                #expect(denied?.code == .permissionDenied, "\(attack)")
            }
        }
    }
}
