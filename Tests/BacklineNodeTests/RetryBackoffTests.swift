import BacklineAggregator
import BacklineCore
import BacklineNode
import BacklineStore
import BacklineTestSupport
import BacklineTransport
import Dispatch
import Foundation
import Testing

/// The node's bounded, full-jitter exponential backoff (issue 7: "retries with bounded jittered
/// backoff"): the waits stay in their bounds, their ceilings double up to the cap, a success
/// starts again from the initial delay, and the node gives up after `retry.max_attempts`
/// failures in a row, in process and as `backline node run` against a port where nothing listens;
/// a link down for a while is waited out and the node reconnects (SECURITY-TESTS 57, scaled down).
@Suite struct RetryBackoffTests {
    /// Always the same output: 0 makes every wait 0, `UInt64.max` every wait (just under) its ceiling.
    struct ConstantGenerator: RandomNumberGenerator, Sendable {
        let value: UInt64
        mutating func next() -> UInt64 { value }
    }

    /// A failure that is not about the network (for the pure backoff tests).
    struct Failure: Error, CustomStringConvertible { var description: String { "connection refused (test)" } }

    static let defaults = NodeConfiguration.Retry()

    @Test func theDefaultsAreHalfASecondThirtySecondsAndTwentyAttempts() {
        #expect(Self.defaults == NodeConfiguration.Retry(initialDelaySeconds: 0.5, maxDelaySeconds: 30, maxAttempts: 20))
    }

    @Test(arguments: [UInt64(1), 2, 3, 0xBAC_C1])
    func everyWaitLiesBetweenZeroAndItsCeiling(seed: UInt64) throws {
        var backoff = try RetryBackoff(settings: Self.defaults, source: SeededGenerator(seed: seed))
        for failure in 1..<Self.defaults.maxAttempts {
            let delay = try backoff.failed("fetch", error: Failure())
            let ceiling = min(30, 0.5 * Double(1 << (failure - 1)))
            #expect(backoff.ceiling(afterFailure: failure) == ceiling)
            #expect(delay >= 0 && delay <= ceiling, "failure \(failure): \(delay) outside [0, \(ceiling)]")
        }
    }

    @Test func theWaitsGrowByDoublingUntilTheCapThenStayThere() throws {
        var backoff = try RetryBackoff(settings: Self.defaults, source: ConstantGenerator(value: .max))
        let delays = try (1..<20).map { _ in try backoff.failed("fetch", error: Failure()) }
        let expected = [0.5, 1, 2, 4, 8, 16] + Array(repeating: 30.0, count: 13)
        #expect(delays.count == expected.count)
        for (delay, ceiling) in zip(delays, expected) { #expect(abs(delay - ceiling) <= ceiling * 1e-15, "\(delays)") }
        #expect(zip(delays, delays.dropFirst()).prefix(6).allSatisfy { $0 < $1 })
        #expect(delays.suffix(13).allSatisfy { $0 == delays.last })
    }

    @Test func aZeroDrawWaitsNotAtAll() throws {
        var backoff = try RetryBackoff(settings: Self.defaults, source: ConstantGenerator(value: 0))
        #expect(try (1...5).map { _ in try backoff.failed("fetch", error: Failure()) } == [0, 0, 0, 0, 0])
    }

    /// Full jitter, not "equal jitter": the waits cover the whole of [0, ceiling), uniformly.
    @Test func theJitterSpreadsOverTheWholeRange() throws {
        var backoff = try RetryBackoff(settings: Self.defaults, source: SeededGenerator(seed: 7))
        var draws: [Double] = []
        for _ in 0..<4_000 {
            for _ in 0..<3 { _ = try backoff.failed("fetch", error: Failure()) }
            draws.append(try backoff.failed("fetch", error: Failure()))  // failure 4: ceiling 4 s
            backoff.succeeded()
        }
        let mean = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - 2) < 0.1, "mean \(mean)")
        #expect(draws.min()! < 0.05 && draws.max()! > 3.95 && draws.max()! < 4)
        #expect(draws.filter { $0 < 1 }.count > 800 && draws.filter { $0 > 3 }.count > 800)
    }

    @Test func aSuccessStartsAgainFromTheInitialDelay() throws {
        var backoff = try RetryBackoff(settings: Self.defaults, source: ConstantGenerator(value: .max))
        for _ in 0..<6 { _ = try backoff.failed("fetch", error: Failure()) }
        #expect(backoff.failures == 6)
        backoff.succeeded()
        #expect(backoff.failures == 0)
        #expect(abs(try backoff.failed("fetch", error: Failure()) - 0.5) < 1e-12)
        // And the bound counts from the success too: 19 more failures are allowed in a row.
        for _ in 0..<18 { _ = try backoff.failed("fetch", error: Failure()) }
        #expect(throws: NodeError.self) { try backoff.failed("fetch", error: Failure()) }
    }

    @Test func theLastAllowedFailureThrowsAnErrorNamingTheWorkAndTheAttempts() throws {
        var backoff = try RetryBackoff(
            settings: .init(initialDelaySeconds: 0.01, maxDelaySeconds: 0.02, maxAttempts: 3),
            source: SeededGenerator(seed: 1)
        )
        _ = try backoff.failed("download the latest model", error: Failure())
        _ = try backoff.failed("download the latest model", error: Failure())
        #expect {
            try backoff.failed("download the latest model", error: Failure())
        } throws: { error in
            guard let error = error as? NodeError, error.code == .retriesExhausted else { return false }
            return error.reason.contains("download the latest model") && error.reason.contains("after 3 attempts")
                && error.reason.contains("connection refused (test)")
        }
    }

    @Test(arguments: [
        NodeConfiguration.Retry(initialDelaySeconds: 0, maxDelaySeconds: 1, maxAttempts: 3),
        NodeConfiguration.Retry(initialDelaySeconds: 2, maxDelaySeconds: 1, maxAttempts: 3),
        NodeConfiguration.Retry(initialDelaySeconds: 0.1, maxDelaySeconds: .infinity, maxAttempts: 3),
        NodeConfiguration.Retry(initialDelaySeconds: .nan, maxDelaySeconds: 1, maxAttempts: 3),
        NodeConfiguration.Retry(initialDelaySeconds: 0.1, maxDelaySeconds: 1, maxAttempts: 0),
    ])
    func settingsOutOfRangeAreRefused(settings: NodeConfiguration.Retry) {
        #expect { _ = try RetryBackoff(settings: settings) } throws: { ($0 as? NodeError)?.code == .invalidConfiguration }
    }

    /// The retry loop against an aggregator that stopped listening: `max_attempts` attempts, the
    /// waits in between within their ceilings, then `retries_exhausted` wrapping the transport error.
    @Test func retryingAgainstAClosedPortGivesUpAfterMaxAttempts() async throws {
        let fixture = try await NodeFederationFixture()
        let node = try fixture.roundClient(0)
        fixture.service.shutdown()
        let settings = NodeConfiguration.Retry(initialDelaySeconds: 0.005, maxDelaySeconds: 0.01, maxAttempts: 4)
        var backoff = try RetryBackoff(settings: settings, source: SeededGenerator(seed: 3))
        var attempts = 0
        var waits: [Double] = []
        var notes: [String] = []
        var thrown: (any Error)?
        do {
            _ = try await backoff.retrying(
                "take part in the round",
                note: { notes.append($0) },
                sleep: { delay in
                    waits.append(delay)
                    try await RetryBackoff.sleep(delay)
                },
                {
                    attempts += 1
                    return try await node.participate()
                }
            )
        } catch { thrown = error }
        let error = try #require(thrown as? NodeError, "\(String(describing: thrown))")
        #expect(error.code == .retriesExhausted)
        #expect(error.reason.contains("take part in the round") && error.reason.contains("after 4 attempts"), "\(error.reason)")
        #expect(error.underlying.map(RetryBackoff.isRetryable) == true)
        #expect(attempts == 4)
        let recorded = waits
        #expect(recorded.count == 3)
        for (index, wait) in recorded.enumerated() { #expect(wait >= 0 && wait <= backoff.ceiling(afterFailure: index + 1)) }
        #expect(notes.count == 3)
        #expect(notes.last?.contains("attempt 3 of 4 failed") == true, "\(notes)")
    }

    /// SECURITY-TESTS 57, scaled down: the node's link is down for five attempts (every
    /// connection reset at its first byte), then back. The waits between attempts double, so the
    /// node does not busy-loop, it reconnects and submits once, and the backoff starts again.
    @Test func aLinkDownForFiveAttemptsIsWaitedOutWithGrowingPausesAndTheNodeReconnects() async throws {
        let fixture = try await NodeFederationFixture()
        let down = FaultProxy.Fault.reset(at: .init(phase: 1, offset: 0))
        let proxy = try fixture.proxy(.scripted(Array(repeating: down, count: 5)))
        defer { proxy.stop() }
        // No transport-level retry: each node attempt is one connection, so each meets one fault.
        let node = try fixture.roundClient(0, through: proxy.port, retry: RetryPolicy(maxAttempts: 1))
        let round = try await fixture.openRound()
        var backoff = try RetryBackoff(
            settings: .init(initialDelaySeconds: 0.02, maxDelaySeconds: 0.2, maxAttempts: 10),
            source: ConstantGenerator(value: .max)
        )
        var waits: [Double] = []
        let started = ContinuousClock.now
        let outcome = try await backoff.retrying(
            "take part in the round",
            sleep: { delay in
                waits.append(delay)
                try await RetryBackoff.sleep(delay)
            },
            { try await node.participate() }
        )
        let elapsed = ContinuousClock.now - started
        guard case .submitted(let receipt) = outcome else {
            Issue.record("the node did not submit after the link came back: \(outcome)")
            return
        }
        #expect(waits.count == 5)
        for (wait, ceiling) in zip(waits, [0.02, 0.04, 0.08, 0.16, 0.2]) { #expect(abs(wait - ceiling) < 1e-9, "\(waits)") }
        #expect(elapsed >= .milliseconds(490), "the waits were not kept: \(elapsed)")
        #expect(backoff.failures == 0)
        let records = proxy.settledRecords()
        #expect(records.prefix(5).allSatisfy { $0.outcome == .resetByFault }, "\(records.map(\.outcome))")
        #expect(records.dropFirst(5).allSatisfy { $0.outcome == .completed })
        let stored = try fixture.store.updates(inRound: round)
        #expect(stored.map(\.promoterID) == ["p1"])
        #expect(stored.first?.receiptID == receipt.receiptID)
    }

    /// A failure a retry cannot fix (the aggregator is not who the node expects) is thrown after
    /// one attempt, not retried until the bound.
    @Test func aRefusedAggregatorIdentityIsNotRetried() async throws {
        let fixture = try await NodeFederationFixture()
        let node = try fixture.roundClient(0, server: "impostor")
        var backoff = try RetryBackoff(settings: .init(initialDelaySeconds: 0.005, maxDelaySeconds: 0.01, maxAttempts: 5))
        var attempts = 0
        var thrown: (any Error)?
        do {
            _ = try await backoff.retrying("take part in the round") {
                attempts += 1
                return try await node.participate()
            }
        } catch { thrown = error }
        let error = try #require(thrown)
        #expect(!RetryBackoff.isRetryable(error), "\(error)")
        #expect((error as? NodeError)?.code != .retriesExhausted)
        #expect(attempts == 1)
        #expect(backoff.failures == 0)
    }

    /// Runs the built binary on a thread of its own.
    private func run(_ arguments: [String]) async throws -> BuiltBinary.Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try BuiltBinary.run(arguments) }) }
        }
    }

    /// `backline node run` (its NodeRunner) with an aggregator that stopped listening: it stops
    /// with `retries_exhausted` after `retry.max_attempts` attempts at its first download, quickly.
    @Test func nodeRunStopsWithAClearErrorWhenTheAggregatorNeverAnswers() async throws {
        let fixture = try await NodeFederationFixture()
        let port = Int(fixture.service.port)
        fixture.service.shutdown()
        let directory = fixture.directory
        let vault = directory.file("vault-p1")
        let key = directory.file("kek-p1")
        #expect(try await run(["data", "keygen", "--out", key]).status == 0)
        let generated = try await run([
            "data", "generate", "--format", "vault", "--vault", vault, "--key-file", key, "--promoter", "0", "--promoters", "1",
            "--members", "100", "--artists", "40", "--no-listening",
        ])
        try #require(generated.status == 0, "\(generated.standardError)")
        let config = try fixture.writeNodeConfiguration(
            port: port,
            vault: vault,
            key: key,
            directory: directory,
            extra: ["retry": ["initial_delay_seconds": 0.01, "max_delay_seconds": 0.05, "max_attempts": 3]]
        )
        let started = Date()
        let result = try await run(["node", "run", "--config", config, "--idle-timeout", "60"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("retries_exhausted"), "\(result.standardError)")
        #expect(
            result.standardError.contains("gave up trying to download the federation's initial model after 3 attempts"),
            "\(result.standardError)"
        )
        #expect(result.standardError.components(separatedBy: "failed; retrying in").count - 1 == 2, "\(result.standardError)")
        #expect(Date().timeIntervalSince(started) < 30)
    }
}
