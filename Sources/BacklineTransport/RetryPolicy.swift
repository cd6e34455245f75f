internal import BacklineCore

/// Bounded retries with full-jitter exponential backoff, for idempotent requests only.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, including the first (1 = no retry).
    public var maxAttempts: Int
    /// Backoff scale: attempt n waits a uniform random time in [0, min(maxDelay, baseDelay·2ⁿ)].
    public var baseDelay: Duration
    /// Upper bound of one wait.
    public var maxDelay: Duration

    /// A policy; defaults 3 attempts, 100 ms base, 2 s cap.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(2)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before retry number `retry` (1-based), drawn from `generator`.
    public func delay(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(retry - 1, 0), 20)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let nanoseconds = Double(ceiling.components.seconds) * 1e9 + Double(ceiling.components.attoseconds) / 1e9
        return .nanoseconds(Int64(Double.random(in: 0...max(nanoseconds, 0), using: &generator)))
    }

    /// Whether `error` is worth another attempt (network trouble or a busy server, never a
    /// refused certificate or identity: those fail fast).
    public static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? TransportError else { return false }
        return [.io, .timeout, .connectionClosed, .busy].contains(error.code)
    }
}
