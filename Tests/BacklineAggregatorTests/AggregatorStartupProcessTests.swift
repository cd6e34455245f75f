import BacklineAggregator
import BacklineTestSupport
import Foundation
import Testing

/// Start-up refusals through the real `backline aggregator serve` process (issue 7, item 3):
/// a missing certificate, an unreadable or invalid policy, a production configuration without
/// noise or clipping, an unreachable database — each exits non-zero at once, naming the field,
/// and leaves nothing listening.
@Suite struct AggregatorStartupProcessTests {
    @Test(arguments: AggregatorConfigurationTests.refusals)
    func serveExitsNonZeroNamingTheField(name: String, field: String) throws {
        let fixture = try AggregatorFixture()
        let path = try AggregatorConfigurationTests().writeBroken(name, fixture)
        let started = Date()
        let result = try BuiltBinary.run(["aggregator", "serve", "--config", path])
        #expect(result.status != 0)
        #expect(result.standardError.contains(field), "\(result.standardError)")
        #expect(!result.standardError.contains("listening on"), "\(result.standardError)")
        #expect(Date().timeIntervalSince(started) < 20)
    }
}
