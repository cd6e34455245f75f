extension FaultProxy {
    /// A point in one proxied connection's byte stream.
    ///
    /// The stream is cut into *phases* that alternate direction: phase 1 is the client's first
    /// flight (for TLS 1.3, the ClientHello), phase 2 the upstream's answer (the server's
    /// handshake flight), phase 3 the client's next flight (its certificate, Finished and the first
    /// HTTP request), phase 4 the answer to that request, and so on. A new phase starts whenever
    /// bytes arrive from the other side than the last ones. The proxy sees only TLS bytes, so this
    /// is how a fault is aimed at "the request" or "the reply" without reading them.
    public struct Position: Sendable, Hashable, CustomStringConvertible {
        /// The phase, from 1; odd phases flow client → upstream, even phases upstream → client.
        public var phase: Int
        /// The byte offset within the phase, from 0. An offset past the phase's end fires at the
        /// start of the next phase.
        public var offset: Int

        /// A position; `phase` is clamped to ≥ 1 and `offset` to ≥ 0.
        public init(phase: Int, offset: Int) {
            self.phase = max(1, phase)
            self.offset = max(0, offset)
        }

        /// The client's first request on a fresh TLS 1.3 connection.
        public static let firstRequestPhase = 3
        /// The reply to that request.
        public static let firstReplyPhase = 4

        public var description: String { "phase \(phase) +\(offset)" }
    }

    /// What the proxy does to one connection.
    public enum Fault: Sendable, Hashable, CustomStringConvertible {
        /// Forward everything unchanged.
        case pass
        /// Hold the connection for this long before forwarding its first byte.
        case delay(milliseconds: Int)
        /// Forward up to `at`, stop forwarding in both directions for `milliseconds`, then resume.
        case stall(at: Position, milliseconds: Int)
        /// Forward up to `at`, then close both sides (FIN).
        case drop(at: Position)
        /// Forward up to `at`, then reset both sides (RST via `SO_LINGER` 0).
        case reset(at: Position)
        /// Forward only the first `keeping` bytes of the client's first request flight
        /// (``Position/firstRequestPhase``), then close both sides: a truncated request body.
        case truncate(keeping: Int)
        /// Forward normally, then replay every byte the client sent to the upstream on a second
        /// connection (a duplicated request at the TCP level).
        case duplicate
        /// Hold this connection until a later connection has finished (or the proxy's hold
        /// timeout passes), so the later one's request reaches the upstream first.
        case reorder

        /// Where a drop, reset, stall or truncation fires; nil for the others.
        var trigger: Position? {
            switch self {
            case .stall(let position, _), .drop(let position), .reset(let position): position
            case .truncate(let keeping): Position(phase: Position.firstRequestPhase, offset: keeping)
            case .pass, .delay, .duplicate, .reorder: nil
            }
        }

        public var description: String {
            switch self {
            case .pass: "pass"
            case .delay(let milliseconds): "delay \(milliseconds) ms"
            case .stall(let position, let milliseconds): "stall \(milliseconds) ms at \(position)"
            case .drop(let position): "drop at \(position)"
            case .reset(let position): "reset at \(position)"
            case .truncate(let keeping): "truncate request after \(keeping) bytes"
            case .duplicate: "duplicate"
            case .reorder: "reorder"
            }
        }
    }
}
