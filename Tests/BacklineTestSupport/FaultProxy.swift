import Foundation
import Synchronization

/// A fault-injecting TCP proxy for tests (never production): it listens on a local address,
/// forwards each connection to an upstream, and applies to each connection a fault from a
/// ``Schedule`` — pass, delay, stall, drop, reset, truncated request, duplicated request or
/// reordering (see ``Fault``).
///
/// A seeded schedule gives the same fault sequence for the same seed, in accept order; every
/// decision and outcome is logged with the seed so a failing run can be replayed. The proxy sees
/// only the bytes on the wire (TLS records for the aggregator), so its faults are TCP-level ones.
/// Blocking sockets, one thread per connection.
public final class FaultProxy: Sendable {
    /// The port the proxy listens on.
    public let port: UInt16
    /// The address the proxy listens on.
    public let host: String
    private let core: Core

    /// Starts a proxy on `listenHost`:`listenPort` (0 picks a free port) forwarding to
    /// `upstreamHost`:`upstreamPort`.
    /// - Parameters:
    ///   - holdTimeout: longest time a ``Fault/reorder`` connection waits for a later one.
    ///   - log: where each decision and outcome line goes (default: standard error).
    public init(
        upstreamHost: String = "127.0.0.1",
        upstreamPort: UInt16,
        schedule: Schedule,
        listenHost: String = "127.0.0.1",
        listenPort: UInt16 = 0,
        holdTimeout: Duration = .milliseconds(500),
        log: (@Sendable (String) -> Void)? = nil
    ) throws {
        let log = log ?? { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let listener = try Socket.listen(host: listenHost, port: listenPort)
        port = listener.localPort
        host = listenHost
        let label =
            "fault-proxy \(listenHost):\(listener.localPort)→\(upstreamHost):\(upstreamPort)"
            + (schedule.seed.map { " seed \($0)" } ?? " scripted")
        core = Core(
            upstreamHost: upstreamHost,
            upstreamPort: upstreamPort,
            schedule: schedule,
            holdTimeout: holdTimeout,
            log: { log("\(label): \($0)") }
        )
        core.start(listener)
    }

    deinit { core.stop() }

    /// What happened to every connection so far, in accept order.
    public var records: [Record] { core.records }

    /// The records once every connection so far has ended (or `timeout` has passed).
    public func settledRecords(within timeout: Duration = .seconds(5)) -> [Record] {
        let deadline = ContinuousClock.now + timeout
        while core.records.contains(where: { $0.outcome == .open }) && ContinuousClock.now < deadline { usleep(10_000) }
        return core.records
    }

    /// Stops accepting, ends every connection and waits (a few seconds at most) for the threads.
    public func stop() { core.stop() }
}
