import BacklineCore
import Testing

@testable import BacklineStore

/// Error messages name the table, column or SQLSTATE, never the bound values (which may be
/// member data or update bytes): the server's DETAIL line, which quotes keys, is left out.
@Suite struct StoreErrorMessageTests {
    @Test(arguments: StoreBackend.available.filter { $0 != .memory })
    func constraintErrorsDoNotQuoteBoundValues(backend: StoreBackend) throws {
        try backend.withStore { (fixture: StoreFixture) throws in
            let store = try #require(fixture.primary as? SQLFederationStore)
            let marker = "SECRET-MARKER-7f3a"
            let insert: SQLQuery = """
                INSERT INTO \(table: .identities) (serial, spiffe_id, role, registered_ms)
                VALUES (\(marker), \(marker), \(marker), \(Int64(0)))
                """
            _ = try store.withConnection { try $0.execute(insert) }
            let duplicate = #expect(throws: StoreError.self) { try store.withConnection { try $0.execute(insert) } }
            #expect(duplicate?.code == .conflict)
            let text = String(describing: duplicate) + String(reflecting: duplicate)
            #expect(!text.contains(marker))
            let badDigest: SQLQuery = """
                INSERT INTO \(table: .auditLog) (idx, entry, leaf_hash, logged_ms, actor, action, decision)
                VALUES (\(Int64(0)), \(Array(marker.utf8)), \(Array(marker.utf8)), \(Int64(0)), \(marker), \(marker), \(marker))
                """
            let refused = #expect(throws: StoreError.self) { try store.withConnection { try $0.execute(badDigest) } }
            #expect(refused?.code == .invalidInput)
            #expect(!(String(describing: refused) + String(reflecting: refused)).contains(marker))
        }
    }
}
