import BacklineCore
import BacklineVault
import Testing

/// A factory whose writers for one stream name fail, as a full disk or a crash would.
final class FailingStreamFactory: VaultStreamFactory {
    let inner: PlainStreamFactory
    let failing: String

    init(_ inner: PlainStreamFactory, failingOn name: String) {
        self.inner = inner
        failing = name
    }

    func makeWriter(name: String) throws -> any ByteStreamWriter {
        guard name != failing else { throw CoreError(code: .systemCall, reason: "injected write failure for \(name)") }
        return try inner.makeWriter(name: name)
    }
    func makeReader(name: String) throws -> any ByteStreamReader { try inner.makeReader(name: name) }
    func fileNames() throws -> [String] { try inner.fileNames() }
}

@Suite struct CommitAtomicityTests {
    @Test(arguments: ["tickets.b", "attendance.a", "MANIFEST"])
    func failedCommitLeavesThePreviousVaultWhole(failingStream: String) throws {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let firstTickets = try fixture.write("tickets.csv", "member,show,purchased,quantity,price\n1,10,2025-04-01,1,10\n")
        try fixture.importBackline([firstTickets])
        let manifestBefore = try VaultData.readManifest(from: fixture.factory)
        let members = try fixture.write("members.csv", "id\n40\n")
        let tickets = try fixture.write("tickets.csv", "member,show,purchased,quantity,price\n40,11,2025-04-03,1,10\n")
        let attendance = try fixture.write("attendance.csv", "member,show,scan_in\n40,11,2025-06-01T20:30\n")
        let sources = try ImportPlan.make(files: [members, tickets, attendance], preset: "backline", table: nil)
        #expect(throws: CoreError.self) {
            try VaultImporter.run(sources, into: FailingStreamFactory(fixture.factory, failingOn: failingStream))
        }
        #expect(try VaultData.readManifest(from: fixture.factory) == manifestBefore)
        let data = try VaultData.load(from: fixture.factory)
        #expect(data[VaultSchema.members].rowCount == 3)
        #expect(data[VaultSchema.tickets].rowCount == 1)
        #expect(data[VaultSchema.attendance].rowCount == 0)
        #expect(try VaultInspection.inspect(fixture.factory).ok)
        // The same import then succeeds and all three tables change together.
        let summary = try VaultImporter.run(sources, into: fixture.factory)
        #expect(summary.imported == ["members": 1, "tickets": 1, "attendance": 1])
    }
}
