import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@testable import BacklineAggregator

/// `stall_timeout_seconds`: how long a claimed round may stay `aggregating` before a replica's
/// clock aggregates it again (the process behaviour is in ``AggregatorReplicaTakeoverTests``).
@Suite struct AggregatorStallTimeoutTests {
    @Test func theExampleSetsItAndLeavingItOutMeansSixtySeconds() throws {
        let data = AggregatorConfiguration.removingComments(Data(AggregatorConfiguration.exampleText.utf8))
        let example = try JSONDecoder().decode(AggregatorConfiguration.self, from: data)
        #expect(example.stallTimeoutSeconds == 60)
        let fixture = try AggregatorFixture()
        let configuration = try AggregatorConfigurationTests().valid(fixture)
        #expect(configuration.stallTimeoutSeconds == nil)
        #expect(configuration.effectiveStallTimeoutSeconds == 60)
    }

    @Test func theServiceUsesTheConfiguredTimeout() async throws {
        let fixture = try AggregatorFixture()
        var configuration = try AggregatorConfigurationTests().valid(fixture)
        configuration.stallTimeoutSeconds = 2.5
        let path = fixture.directory.file("aggregator.json")
        try AggregatorConfigurationTests().write(configuration, to: path)
        let loaded = try AggregatorConfiguration.load(path: path)
        #expect(loaded.stallTimeoutSeconds == 2.5)
        let service = try AggregatorService.make(configuration: loaded, logger: Logger(label: "t") { _ in })
        #expect(service.stallTimeout == 2.5)
        configuration.stallTimeoutSeconds = nil
        #expect(try AggregatorService.make(configuration: configuration, logger: Logger(label: "t") { _ in }).stallTimeout == 60)
    }

    @Test(arguments: [0, -1, 3600.5, 1e9, .infinity, .nan])
    func anOutOfRangeTimeoutIsRefusedNamingTheField(seconds: Double) throws {
        let fixture = try AggregatorFixture()
        var configuration = try AggregatorConfigurationTests().valid(fixture)
        configuration.stallTimeoutSeconds = seconds
        #expect { try configuration.validate(file: "aggregator.json") } throws: { error in
            guard let error = error as? AggregatorError else { return false }
            return error.code == .invalidConfiguration && error.reason.contains("aggregator.json")
                && error.reason.contains("stall_timeout_seconds")
        }
    }

    @Test(arguments: [0.001, 2, 60, 3600])
    func aTimeoutInRangeIsAccepted(seconds: Double) throws {
        let fixture = try AggregatorFixture()
        var configuration = try AggregatorConfigurationTests().valid(fixture)
        configuration.stallTimeoutSeconds = seconds
        try configuration.validate()
    }
}
