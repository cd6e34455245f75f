extension FaultProxy {
    /// What happened to one proxied connection, for assertions and for replaying a failure.
    public struct Record: Sendable, Hashable, CustomStringConvertible {
        /// How the connection ended.
        public enum Outcome: String, Sendable, Hashable {
            /// Still being forwarded.
            case open
            /// Both sides closed on their own.
            case completed
            /// The fault closed both sides.
            case closedByFault = "closed by fault"
            /// The fault reset both sides.
            case resetByFault = "reset by fault"
            /// A side reset the connection or vanished while the proxy wrote to it.
            case peerGone = "peer gone"
            /// The upstream refused the connection.
            case upstreamUnreachable = "upstream unreachable"
            /// The proxy was stopped.
            case stopped
        }

        /// Accept order, from 0.
        public let index: Int
        /// The fault applied.
        public let fault: Fault
        /// How it ended.
        public internal(set) var outcome = Outcome.open
        /// Bytes forwarded client → upstream.
        public internal(set) var bytesToUpstream = 0
        /// Bytes forwarded upstream → client.
        public internal(set) var bytesToClient = 0
        /// Phases seen (see ``Position``).
        public var phases: Int { phaseBytes.count }
        /// The phase the connection had reached when it ended, counting a phase whose first bytes
        /// arrived but were cut by the fault before any was forwarded.
        public internal(set) var reachedPhase = 0
        /// Bytes forwarded in each phase (index 0 is phase 1).
        public private(set) var phaseBytes: [Int] = []
        /// For ``Fault/duplicate``: bytes replayed to the second upstream connection and bytes it
        /// answered before closing.
        public internal(set) var replay: (sent: Int, answered: Int)? {
            get { replaySent.map { ($0, replayAnswered) } }
            set {
                replaySent = newValue?.sent
                replayAnswered = newValue?.answered ?? 0
            }
        }
        private var replaySent: Int?
        private var replayAnswered = 0

        init(index: Int, fault: Fault) {
            self.index = index
            self.fault = fault
        }

        /// Counts `length` forwarded bytes of `phase` (from 1) flowing `direction`.
        mutating func count(_ length: Int, phase: Int, flowing direction: Direction) {
            while phaseBytes.count < phase { phaseBytes.append(0) }
            phaseBytes[phase - 1] += length
            switch direction {
            case .toUpstream: bytesToUpstream += length
            case .toClient: bytesToClient += length
            }
        }

        public var description: String {
            var text = "#\(index) \(fault): \(outcome.rawValue), \(bytesToUpstream) B up, \(bytesToClient) B down, \(reachedPhase) phases"
            if let replay { text += ", replayed \(replay.sent) B (upstream answered \(replay.answered) B)" }
            return text
        }
    }
}
