import BacklineTransport
import Foundation
import Synchronization

/// A small multi-threaded load client on Backline's own TLS client: the same code measures
/// both servers. Each worker thread runs `body` until the deadline; results are collected.
enum TransportLoad {
    /// Outcome of one run: operations completed, failures, latencies (seconds), elapsed seconds.
    struct Outcome: Sendable {
        var completed = 0
        var failed = 0
        var latencies: [Double] = []
        var elapsed = 0.0

        /// Two runs of the same measurement as one.
        func merged(with other: Outcome) -> Outcome {
            Outcome(
                completed: completed + other.completed,
                failed: failed + other.failed,
                latencies: latencies + other.latencies,
                elapsed: elapsed + other.elapsed
            )
        }

        func percentile(_ fraction: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            let sorted = latencies.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
        }
    }

    /// Runs `threads` workers for `seconds`; each worker calls `setUp` once (for example to open
    /// its connection), then `operation` repeatedly, which returns whether it succeeded.
    static func run<State>(
        threads: Int,
        seconds: Double,
        setUp: @escaping @Sendable (Int) throws -> State,
        operation: @escaping @Sendable (inout State) -> Bool
    ) -> Outcome {
        let results = Mutex(Outcome())
        let group = DispatchGroup()
        let start = DispatchTime.now()
        let stopAt = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        for index in 0..<threads {
            group.enter()
            let thread = Thread {
                var local = Outcome()
                if var state = try? setUp(index) {
                    while DispatchTime.now().uptimeNanoseconds < stopAt {
                        let begin = DispatchTime.now().uptimeNanoseconds
                        if operation(&state) {
                            local.completed += 1
                            local.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
                        } else {
                            local.failed += 1
                        }
                    }
                } else {
                    local.failed += 1
                }
                results.withLock {
                    $0.completed += local.completed
                    $0.failed += local.failed
                    $0.latencies += local.latencies
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        var outcome = results.withLock { $0 }
        outcome.elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return outcome
    }
}

/// One worker's kept-alive connection, reopened when the server closes it.
final class ReusedConnection: @unchecked Sendable {
    // @unchecked: each instance is owned by one load thread.
    private let context: TLSClientContext
    private let port: UInt16
    private var connection: HTTPClientConnection?

    init(context: TLSClientContext, port: UInt16) throws {
        self.context = context
        self.port = port
        connection = try HTTPClientConnection(host: "127.0.0.1", port: port, tls: context)
    }

    /// The first failure seen, for the progress log.
    private(set) var firstFailure: String?

    /// Sends `request`; true on a 200.
    func send(_ request: HTTPRequest) -> Bool {
        do {
            if connection == nil || !(connection?.isReusable ?? false) {
                connection?.close()
                connection = try HTTPClientConnection(host: "127.0.0.1", port: port, tls: context)
            }
            let response = try connection!.send(request, timeout: .seconds(30))
            if response.status != 200 && firstFailure == nil {
                firstFailure = "HTTP \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))"
                FileHandle.standardError.write(Data("[transport] first failure: \(firstFailure!)\n".utf8))
            }
            return response.status == 200
        } catch {
            if firstFailure == nil {
                firstFailure = String(describing: error)
                FileHandle.standardError.write(Data("[transport] first failure: \(firstFailure!)\n".utf8))
            }
            connection?.close()
            connection = nil
            return false
        }
    }
}
