import BacklineCore
import Testing

@testable import BacklineStore

@Suite struct SQLQueryTests {
    @Test func interpolatedValuesBecomeNumberedBindsOnPostgres() {
        let promoter = "p1' OR '1'='1"
        let query: SQLQuery = "SELECT * FROM \(table: .updates) WHERE round_id = \(Int64(7)) AND promoter_id = \(promoter)"
        let (sql, binds) = query.rendered(for: .postgres)
        #expect(sql == "SELECT * FROM updates WHERE round_id = $1 AND promoter_id = $2")
        #expect(binds == [.integer(7), .text(promoter)])
    }

    @Test func interpolatedValuesBecomeQuestionMarksOnSQLite() {
        let bytes: [UInt8] = [0, 1]
        let missing: String? = nil
        let query: SQLQuery = "INSERT INTO \(table: .auditLog) VALUES (\(bytes), \(missing), \(2.5))"
        let (sql, binds) = query.rendered(for: .sqlite)
        #expect(sql == "INSERT INTO audit_log VALUES (?, ?, ?)")
        #expect(binds == [.blob([0, 1]), .null, .double(2.5)])
    }

    @Test func appendedFragmentsKeepNumberingAndTablesFollowTheDialect() {
        var query: SQLQuery = "SELECT idx FROM \(table: .auditLog) WHERE actor = \("a")"
        query.append(" AND action = \("b")\(lockRows: ())")
        #expect(query.rendered(for: .postgres).sql == "SELECT idx FROM audit.log WHERE actor = $1 AND action = $2 FOR UPDATE")
        #expect(query.rendered(for: .sqlite).sql == "SELECT idx FROM audit_log WHERE actor = ? AND action = ?")
    }

    @Test(arguments: ["app", "backline_auditor_2"])
    func plainRoleNamesAreQuoted(name: String) throws {
        #expect(try SQLFederationStore.quotedRole(name) == "\"\(name)\"")
    }

    @Test(arguments: ["", "App", "x\"; DROP ROLE postgres; --", "1abc", String(repeating: "a", count: 64)])
    func unsafeRoleNamesAreRefused(name: String) {
        #expect(throws: StoreError(code: .invalidInput, reason: "")) { try SQLFederationStore.quotedRole(name) }
    }
}
