#if canImport(Glibc)
import Glibc
#endif

extension FaultProxy {
    /// The I/O shell of one proxied connection: applies the ``Pump``'s actions to real sockets.
    struct Connection {
        let core: Core
        let client: Socket
        var record: Record

        init(core: Core, client: Socket, record: Record) {
            self.core = core
            self.client = client
            self.record = record
        }

        /// Forwards until both sides are done or the fault ends it; returns what happened.
        mutating func run() -> Record {
            defer { client.close() }
            switch record.fault {
            case .delay(let milliseconds):
                sleep(milliseconds: milliseconds)
            case .reorder:
                let deadline = ContinuousClock.now + core.holdTimeout
                while !core.laterConnectionFinished(after: record.index) && ContinuousClock.now < deadline && !core.isStopping {
                    sleep(milliseconds: 5)
                }
            default:
                break
            }
            guard let upstream = try? Socket.connect(host: core.upstreamHost, port: core.upstreamPort) else {
                record.outcome = .upstreamUnreachable
                return record
            }
            defer { upstream.close() }
            let (outcome, sent) = forward(between: upstream, keepingClientBytes: record.fault == .duplicate)
            record.outcome = outcome
            client.close()
            upstream.close()
            if record.fault == .duplicate && !sent.isEmpty {
                record.replay = (sent.count, replay(sent))
            }
            return record
        }

        /// Pumps bytes both ways through the ``Pump``; returns the outcome and, if asked, every byte
        /// forwarded from the client.
        private mutating func forward(between upstream: Socket, keepingClientBytes keep: Bool) -> (Record.Outcome, [UInt8]) {
            var kept: [UInt8] = []
            let outcome = pump(between: upstream) { if keep { kept.append(contentsOf: $0) } }
            return (outcome, kept)
        }

        private mutating func pump(between upstream: Socket, sentToUpstream: (ArraySlice<UInt8>) -> Void) -> Record.Outcome {
            var pump = Pump(fault: record.fault)
            defer { record.reachedPhase = pump.phase }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var clientOpen = true
            var upstreamOpen = true
            while clientOpen || upstreamOpen {
                if core.isStopping { return .stopped }
                let watched = (clientOpen ? [client] : []) + (upstreamOpen ? [upstream] : [])
                let ready = Socket.poll(watched, events: Int16(POLLIN), milliseconds: 50)
                for (socket, isReady) in zip(watched, ready) where isReady {
                    let fromClient = socket === client
                    let target = fromClient ? upstream : client
                    guard let count = socket.read(into: &buffer) else { return .peerGone }
                    if count == 0 {
                        if fromClient { clientOpen = false } else { upstreamOpen = false }
                        target.shutdownWrite()
                        continue
                    }
                    var position = 0
                    let direction: Direction = fromClient ? .toUpstream : .toClient
                    for action in pump.receive(count, flowing: direction) {
                        switch action {
                        case .forward(let length):
                            guard target.writeAll(buffer[position..<position + length]) else { return .peerGone }
                            if fromClient { sentToUpstream(buffer[position..<position + length]) }
                            record.count(length, phase: pump.phase, flowing: direction)
                            position += length
                        case .pause(let milliseconds):
                            sleep(milliseconds: milliseconds)
                        case .close:
                            return .closedByFault
                        case .reset:
                            client.resetAndClose()
                            upstream.resetAndClose()
                            return .resetByFault
                        }
                    }
                }
            }
            return .completed
        }

        /// Sends `bytes` to the upstream on a new connection and counts what it answers before
        /// closing (or 2 s pass).
        private func replay(_ bytes: [UInt8]) -> Int {
            guard let second = try? Socket.connect(host: core.upstreamHost, port: core.upstreamPort) else { return 0 }
            defer { second.close() }
            _ = second.writeAll(bytes[...])
            second.shutdownWrite()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var answered = 0
            let deadline = ContinuousClock.now + .seconds(2)
            while ContinuousClock.now < deadline && !core.isStopping {
                guard Socket.poll([second], events: Int16(POLLIN), milliseconds: 50).first == true else { continue }
                guard let count = second.read(into: &buffer), count > 0 else { break }
                answered += count
            }
            return answered
        }

        private func sleep(milliseconds: Int) {
            usleep(UInt32(clamping: milliseconds * 1000))
        }
    }
}
