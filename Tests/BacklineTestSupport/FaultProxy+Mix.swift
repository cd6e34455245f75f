import BacklineCore

extension FaultProxy {
    /// The share of connections that get each kind of fault, and the ranges their parameters are
    /// drawn from. Shares are probabilities in [0, 1] summing to at most 1; the rest pass.
    public struct Mix: Sendable, Hashable {
        /// Share of connections closed (FIN) at a random position.
        public var drop: Double
        /// Share of connections reset (RST) at a random position.
        public var reset: Double
        /// Share of connections whose first request is cut short.
        public var truncate: Double
        /// Share of connections whose client bytes are replayed on a second connection.
        public var duplicate: Double
        /// Share of connections held until a later one has finished.
        public var reorder: Double
        /// Share of connections delayed before their first byte.
        public var delay: Double
        /// Share of connections stalled at a random position.
        public var stall: Double
        /// Range of delays.
        public var delayMilliseconds: ClosedRange<Int>
        /// Range of stalls.
        public var stallMilliseconds: ClosedRange<Int>
        /// Phases a drop, reset or stall is aimed at (1…4 covers both handshake flights, the
        /// first request and its reply).
        public var phases: ClosedRange<Int>
        /// Byte offsets within the phase (and kept bytes of a truncated request).
        public var offsets: ClosedRange<Int>

        /// A mix; throws `invalid_mix` if a share is not a finite probability, the shares sum
        /// past 1, or a range holds a negative value.
        public init(
            drop: Double = 0,
            reset: Double = 0,
            truncate: Double = 0,
            duplicate: Double = 0,
            reorder: Double = 0,
            delay: Double = 0,
            stall: Double = 0,
            delayMilliseconds: ClosedRange<Int> = 10...100,
            stallMilliseconds: ClosedRange<Int> = 50...200,
            phases: ClosedRange<Int> = 1...4,
            offsets: ClosedRange<Int> = 0...2048
        ) throws {
            let shares = [
                ("drop", drop), ("reset", reset), ("truncate", truncate), ("duplicate", duplicate), ("reorder", reorder),
                ("delay", delay), ("stall", stall),
            ]
            for (name, share) in shares where !(share.isFinite && share >= 0 && share <= 1) {
                throw FaultProxyError.invalidMix("\(name) share is \(share); expected a probability in [0, 1]")
            }
            let total = shares.reduce(0) { $0 + $1.1 }
            guard total <= 1 + 1e-12 else { throw FaultProxyError.invalidMix("shares sum to \(total); expected at most 1") }
            guard delayMilliseconds.lowerBound >= 0, stallMilliseconds.lowerBound >= 0, phases.lowerBound >= 1, offsets.lowerBound >= 0
            else {
                throw FaultProxyError.invalidMix("ranges must be non-negative and phases start at 1")
            }
            self.init(
                unchecked: drop,
                reset,
                truncate,
                duplicate,
                reorder,
                delay,
                stall,
                delayMilliseconds,
                stallMilliseconds,
                phases,
                offsets
            )
        }

        private init(
            unchecked drop: Double,
            _ reset: Double,
            _ truncate: Double,
            _ duplicate: Double,
            _ reorder: Double,
            _ delay: Double,
            _ stall: Double,
            _ delayMilliseconds: ClosedRange<Int>,
            _ stallMilliseconds: ClosedRange<Int>,
            _ phases: ClosedRange<Int>,
            _ offsets: ClosedRange<Int>
        ) {
            self.drop = drop
            self.reset = reset
            self.truncate = truncate
            self.duplicate = duplicate
            self.reorder = reorder
            self.delay = delay
            self.stall = stall
            self.delayMilliseconds = delayMilliseconds
            self.stallMilliseconds = stallMilliseconds
            self.phases = phases
            self.offsets = offsets
        }

        /// Every connection passes.
        public static let none = Mix(unchecked: 0, 0, 0, 0, 0, 0, 0, 10...100, 50...200, 1...4, 0...2048)

        /// Draws the fault of one connection. Always consumes the same number of values from
        /// `generator`, so connection n's fault depends only on the seed and n.
        func draw(using generator: inout SeededGenerator) -> Fault {
            let choice = generator.nextUnitDouble()
            let phase = Self.pick(phases, generator.next())
            let offset = Self.pick(offsets, generator.next())
            let delayLength = Self.pick(delayMilliseconds, generator.next())
            let stallLength = Self.pick(stallMilliseconds, generator.next())
            let position = Position(phase: phase, offset: offset)
            let table: [(Double, Fault)] = [
                (drop, .drop(at: position)), (reset, .reset(at: position)), (truncate, .truncate(keeping: offset)),
                (duplicate, .duplicate), (reorder, .reorder), (delay, .delay(milliseconds: delayLength)),
                (stall, .stall(at: position, milliseconds: stallLength)),
            ]
            var cumulative = 0.0
            for (share, fault) in table {
                cumulative += share
                if choice < cumulative { return fault }
            }
            return .pass
        }

        private static func pick(_ range: ClosedRange<Int>, _ value: UInt64) -> Int {
            range.lowerBound + Int(value % UInt64(range.upperBound - range.lowerBound + 1))
        }
    }

    /// Which fault each new connection gets, in accept order.
    public struct Schedule: Sendable {
        private var generator: SeededGenerator?
        private let mix: Mix
        private var script: [Fault]
        private let afterScript: Fault
        /// The seed of a seeded schedule (nil for a scripted one), printed in the proxy's log.
        public let seed: UInt64?

        /// Faults drawn from `mix` by a ``SeededGenerator`` seeded with `seed`: the same seed gives
        /// the same fault sequence.
        public static func seeded(_ mix: Mix, seed: UInt64) -> Schedule {
            Schedule(generator: SeededGenerator(seed: seed), mix: mix, script: [], afterScript: .pass, seed: seed)
        }

        /// `faults` for the first connections in order, then `then` for every later one.
        public static func scripted(_ faults: [Fault], then: Fault = .pass) -> Schedule {
            Schedule(generator: nil, mix: .none, script: faults.reversed(), afterScript: then, seed: nil)
        }

        /// Every connection passes.
        public static let passThrough = scripted([])

        /// The next connection's fault.
        public mutating func next() -> Fault {
            if let fault = script.popLast() { return fault }
            guard var generator else { return afterScript }
            defer { self.generator = generator }
            return mix.draw(using: &generator)
        }
    }
}
