import BacklineCore
import Foundation
import Synchronization

extension FaultProxy {
    /// The proxy's threads and shared state; the public ``FaultProxy`` stops it when released.
    final class Core: Sendable {
        private struct State {
            var schedule: Schedule
            var records: [Record] = []
            var threads = 0
            var stopping = false
        }

        let upstreamHost: String
        let upstreamPort: UInt16
        let holdTimeout: Duration
        let log: @Sendable (String) -> Void
        private let state: Mutex<State>

        init(
            upstreamHost: String,
            upstreamPort: UInt16,
            schedule: Schedule,
            holdTimeout: Duration,
            log: @escaping @Sendable (String) -> Void
        ) {
            self.upstreamHost = upstreamHost
            self.upstreamPort = upstreamPort
            self.holdTimeout = holdTimeout
            self.log = log
            state = Mutex(State(schedule: schedule))
        }

        var records: [Record] { state.withLock { $0.records } }
        var isStopping: Bool { state.withLock { $0.stopping } }

        /// Runs the accept loop on its own thread.
        func start(_ listener: Socket) {
            spawn { [self] in
                while !isStopping {
                    guard let client = listener.accept(waiting: 50) else { continue }
                    let admitted = state.withLock { state -> (Int, Fault)? in
                        guard !state.stopping else { return nil }
                        let fault = state.schedule.next()
                        state.records.append(Record(index: state.records.count, fault: fault))
                        return (state.records.count - 1, fault)
                    }
                    guard let (index, fault) = admitted else { break }
                    log("connection #\(index): \(fault)")
                    spawn { [self] in
                        var connection = Connection(core: self, client: client, record: Record(index: index, fault: fault))
                        let record = connection.run()
                        state.withLock { $0.records[index] = record }
                        log(record.description)
                    }
                }
                listener.close()
            }
        }

        /// Sets the stop flag and waits up to 5 s for every thread to end.
        func stop() {
            state.withLock { $0.stopping = true }
            let deadline = ContinuousClock.now + .seconds(5)
            while state.withLock({ $0.threads }) > 0 && ContinuousClock.now < deadline { usleep(5_000) }
        }

        /// Whether a connection accepted after `index` has finished.
        func laterConnectionFinished(after index: Int) -> Bool {
            state.withLock { $0.records.dropFirst(index + 1).contains { $0.outcome != .open } }
        }

        private func spawn(_ body: @escaping @Sendable () -> Void) {
            state.withLock { $0.threads += 1 }
            let thread = Thread { [self] in
                body()
                state.withLock { $0.threads -= 1 }
            }
            thread.start()
        }
    }
}
