import BacklineCore
import Foundation

/// Bounded, jittered exponential backoff for reconnecting to PostgreSQL: at most
/// `maxAttempts` tries, each waiting `initialDelay·2ⁿ` (capped at `maxDelay`) times a random
/// factor in [0.5, 1], so a restarted server is not hammered and the wait is bounded.
public struct ReconnectPolicy: Sendable, Hashable {
    /// Connection attempts before giving up with ``StoreError/Code/unavailable``.
    public var maxAttempts: Int
    /// The first wait, in seconds.
    public var initialDelay: Double
    /// The longest single wait, in seconds.
    public var maxDelay: Double

    /// Defaults: 12 attempts from 50 ms up to 2 s (at most about 15 s in all).
    public init(maxAttempts: Int = 12, initialDelay: Double = 0.05, maxDelay: Double = 2.0) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = max(0, initialDelay)
        self.maxDelay = max(self.initialDelay, maxDelay)
    }

    /// The wait before attempt `attempt` (0-based; attempt 0 does not wait).
    func delay(beforeAttempt attempt: Int) -> Double {
        guard attempt > 0 else { return 0 }
        let base = min(maxDelay, initialDelay * pow(2, Double(min(attempt - 1, 30))))
        return base * Double.random(in: 0.5...1.0)
    }

    /// Calls `body` until it succeeds or the attempts run out; rethrows the last error.
    func run<T>(_ body: () throws -> T) throws -> T {
        var lastError: (any Error)?
        for attempt in 0..<maxAttempts {
            let wait = delay(beforeAttempt: attempt)
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            do { return try body() } catch { lastError = error }
        }
        throw lastError ?? StoreError.database(.unavailable, "no connection attempt was made")
    }
}
