/// Why the server refused a node's update, with a stable reason code for logs, receipts and metrics.
public struct UpdateRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable reason code.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        /// The code: `nan`, `inf`, `shape`, `dtype`, `norm`, `round`, `count`, `privacy`.
        public let code: String
        init(_ code: String) { self.code = code }
        public var description: String { code }

        /// A value is NaN.
        public static let nan = Self("nan")
        /// A value is ±Inf (or the norm overflowed).
        public static let inf = Self("inf")
        /// Wrong tensor layout or number of values.
        public static let shape = Self("shape")
        /// Values are not Float32.
        public static let dtype = Self("dtype")
        /// The L2 norm is above the server's bound.
        public static let norm = Self("norm")
        /// The update is for another round.
        public static let round = Self("round")
        /// The sample count is negative, zero, not finite, or (when capping is off) above the cap.
        public static let count = Self("count")
        /// The declared privacy mechanism is missing or weaker than the round requires.
        public static let privacy = Self("privacy")
    }

    /// The stable reason.
    public let reason: Reason
    /// The node that sent the update.
    public let node: String
    /// Details naming the field and value at fault (never update values beyond one coordinate index).
    public let detail: String

    /// A rejection of `node`'s update for `reason`.
    public init(_ reason: Reason, node: String, detail: String) {
        self.reason = reason
        self.node = node
        self.detail = detail
    }

    public var description: String { "update from '\(node)' rejected (\(reason)): \(detail)" }
}
