internal import BacklineCore
internal import BacklineTransport
internal import Foundation

/// How long the node waits between attempts at something that failed for a reason that may pass
/// (the aggregator down or restarting): bounded, exponential, "full jitter" backoff.
///
/// After failure number n (n = 1, 2, …) of a run of consecutive failures the wait is drawn
/// uniformly from [0, min(`maxDelay`, `initialDelay`·2ⁿ⁻¹)); a success starts the count again,
/// and the `maxAttempts`-th consecutive failure ends the retries with ``NodeError``
/// `retries_exhausted` naming what was being done and how many attempts were made. The random
/// source is injected so tests can fix it; the node uses the system generator (jitter only
/// spreads retries over time, it protects nothing).
public struct RetryBackoff: Sendable {
    /// The settings in use.
    public let settings: NodeConfiguration.Retry
    /// Consecutive failed attempts since the last success (or the start).
    public private(set) var failures = 0
    private var source: any RandomNumberGenerator & Sendable

    /// A backoff with `settings` drawing its jitter from `source`.
    /// - Throws: ``NodeError`` `invalid_configuration` when a setting is out of range (see
    ///   ``NodeConfiguration/Retry/validate(file:)``).
    public init(settings: NodeConfiguration.Retry, source: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) throws {
        try settings.validate()
        self.settings = settings
        self.source = source
    }

    /// The upper bound of the wait after failure number `failure` (1-based):
    /// min(max delay, initial delay · 2^(failure − 1)).
    public func ceiling(afterFailure failure: Int) -> Double {
        let doublings = min(max(failure - 1, 0), 1_000)
        return min(settings.maxDelaySeconds, Double(sign: .plus, exponent: doublings, significand: settings.initialDelaySeconds))
    }

    /// Records a failed attempt at `what` that ended with `error`; the seconds to wait before the
    /// next attempt.
    /// - Throws: ``NodeError`` `retries_exhausted` when this was attempt number `maxAttempts` in a row.
    public mutating func failed(_ what: String, error: any Error) throws -> Double {
        failures += 1
        guard failures < settings.maxAttempts else {
            throw NodeError.retriesExhausted(what, attempts: failures, lastFailure: error)
        }
        // 53 random bits as a fraction in [0, 1), scaled to the ceiling.
        let fraction = Double(source.next() >> 11) * 0x1p-53
        return fraction * ceiling(afterFailure: failures)
    }

    /// Records a successful attempt: the next failure starts from the initial delay again.
    public mutating func succeeded() { failures = 0 }

    /// Runs `body` until it succeeds, fails for a reason ``isRetryable(_:)`` rejects (thrown as
    /// it is), or fails `maxAttempts` times in a row (``NodeError`` `retries_exhausted`). Before
    /// each wait `note` gets a line naming `what`, the failure, the wait and the attempt count;
    /// `sleep` waits (it throws `CancellationError` when the task is cancelled).
    public mutating func retrying<T>(
        _ what: String,
        note: (String) -> Void = { _ in },
        sleep: (Double) async throws -> Void = RetryBackoff.sleep,
        _ body: () async throws -> T
    ) async throws -> T {
        while true {
            do {
                let value = try await body()
                succeeded()
                return value
            } catch let error where Self.isRetryable(error) {
                let delay = try failed(what, error: error)
                note(Self.retryNote(what, error: error, delay: delay, failures: failures, of: settings.maxAttempts))
                try await sleep(delay)
            }
        }
    }

    /// The progress line for a failed attempt that is retried.
    private static func retryNote(_ what: String, error: any Error, delay: Double, failures: Int, of maxAttempts: Int) -> String {
        "\(what): \(error) (attempt \(failures) of \(maxAttempts) failed; retrying in \(String(format: "%.2f", delay)) s)"
    }

    /// Waits `seconds` (cancellable).
    public static func sleep(_ seconds: Double) async throws {
        try await Task.sleep(for: .nanoseconds(Int64((max(seconds, 0) * 1e9).rounded())))
    }

    /// Failures that may pass: the aggregator down or restarting (connection refused, reset,
    /// timeout, busy), a torn model download, a refusal other than 401/403. A refused identity,
    /// a policy denial or a bad local setting is not retried.
    public static func isRetryable(_ error: any Error) -> Bool {
        if let error = error as? TransportError { return RetryPolicy.isTransient(error) }
        if let error = error as? NodeError {
            switch error.code {
            case .modelChecksumMismatch: return true
            case .refused: return !error.reason.contains(" 403 ") && !error.reason.contains(" 401 ")
            default: return false
            }
        }
        return false
    }
}
