/// A point on the monotonic clock after which an operation gives up.
struct Deadline: Sendable {
    let instant: ContinuousClock.Instant

    /// `duration` from now.
    init(after duration: Duration) { instant = ContinuousClock.now.advanced(by: duration) }

    /// Milliseconds left for `poll`, at least 0, at most Int32.max.
    var remainingMilliseconds: Int32 {
        let left = ContinuousClock.now.duration(to: instant)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: milliseconds)
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool { ContinuousClock.now >= instant }
}
