extension FaultProxy {
    /// Which way bytes flow through the proxy.
    public enum Direction: Sendable, Hashable {
        /// From the client to the upstream.
        case toUpstream
        /// From the upstream back to the client.
        case toClient
    }

    /// The per-connection fault logic as a state machine without I/O: told how many bytes arrived
    /// from which side, it answers what to do with them. The connection's thread does the I/O.
    struct Pump: Sendable {
        /// One step for the I/O shell.
        enum Action: Sendable, Hashable {
            /// Forward the next `count` bytes of the chunk.
            case forward(Int)
            /// Stop forwarding for this long, then go on with the next action.
            case pause(milliseconds: Int)
            /// Close both sides (FIN) and stop.
            case close
            /// Reset both sides (RST) and stop.
            case reset
        }

        let fault: Fault
        /// The current phase (0 before any byte).
        private(set) var phase = 0
        private var direction: Direction?
        private var offset = 0
        private var fired = false

        init(fault: Fault) { self.fault = fault }

        /// What to do with `count` bytes (> 0) just read from the side `direction` leads away from.
        mutating func receive(_ count: Int, flowing direction: Direction) -> [Action] {
            if direction != self.direction {
                self.direction = direction
                phase += 1
                offset = 0
            }
            defer { offset += count }
            guard let trigger = fault.trigger, !fired else { return [.forward(count)] }
            let cut: Int
            if phase > trigger.phase {
                cut = 0  // the aimed-at phase ended before the offset: fire at once.
            } else if phase == trigger.phase, trigger.offset < offset + count {
                cut = max(0, trigger.offset - offset)
            } else {
                return [.forward(count)]
            }
            fired = true
            var actions: [Action] = cut > 0 ? [.forward(cut)] : []
            switch fault {
            case .stall(_, let milliseconds):
                actions.append(.pause(milliseconds: milliseconds))
                if count - cut > 0 { actions.append(.forward(count - cut)) }
            case .reset:
                actions.append(.reset)
            default:
                actions.append(.close)
            }
            return actions
        }
    }
}
