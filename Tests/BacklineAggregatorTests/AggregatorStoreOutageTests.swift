import BacklineAudit
import BacklineCore
import BacklineStore
import BacklineTransport
import Foundation
import Testing

@testable import BacklineAggregator

/// While the database is unreachable the API answers a retryable 503 `store_unavailable`, not a
/// bare 500, and serves again once it is back (SECURITY-TESTS 55 at the API).
@Suite struct AggregatorStoreOutageTests {
    @Test func aStoreOutageIsARetryable503AndServiceResumesAfterIt() async throws {
        let outage = OutageSwitch()
        let fixture = try await AggregatorFixture.make { path in
            SwitchableStore(try SQLFederationStore.makeSQLite(.file(path)), outage: outage)
        }
        let round = try await fixture.openRound()
        outage.isDown = true
        let current = try await fixture.promoter("p1").send(HTTPRequest(method: "GET", path: "/v1/rounds/current"))
        #expect(current.status == 503)
        #expect(AggregatorFixture.errorCode(current) == "store_unavailable")
        let submit = try await fixture.submit(try fixture.updateBody(round: round, node: "p1"), as: "p1", to: round)
        #expect(submit.status == 503)
        outage.isDown = false
        #expect(try await fixture.submit(try fixture.updateBody(round: round, node: "p1"), as: "p1", to: round).status == 200)
        #expect(try await fixture.currentRound().contributions == 1)
    }

    @Test func aPolicyThatForbidsAutomaticRoundsIsAuditedOnceAndAReloadLetsThemOpen() async throws {
        let fixture = try AggregatorFixture(autoRounds: 2)
        let original = try String(contentsOfFile: fixture.policyFile, encoding: .utf8)
        let grant = "allow A1: aggregator read_round, manage_round, aggregate_round on round"
        #expect(original.contains(grant))
        try original.replacingOccurrences(of: grant, with: "allow A1: aggregator read_round, aggregate_round on round")
            .write(toFile: fixture.policyFile, atomically: true, encoding: .utf8)
        try await fixture.startService()
        #expect(await fixture.service.openAutoRoundIfDue() == nil)
        #expect(await fixture.service.openAutoRoundIfDue() == nil)
        #expect(try fixture.store.withTransaction { try $0.rounds(in: nil) }.isEmpty)
        let refusals = try fixture.auditEntries().filter { $0.action == "manage_round" && $0.spiffeID.hasSuffix("/aggregator/main") }
        #expect(refusals.map(\.outcome) == ["denied"])
        try original.write(toFile: fixture.policyFile, atomically: true, encoding: .utf8)
        try fixture.service.reloadPolicy()
        #expect(await fixture.service.openAutoRoundIfDue() == 1)
    }
}
