/// How listening, tickets and attendance add up to one member×artist interaction value:
/// `playWeight · f(plays) + ticketWeight · Σ quantity + attendanceWeight · attended shows`,
/// where `f` is `log(1 + plays)` when ``logPlays`` is set (play counts are heavy-tailed) and the
/// identity otherwise. A ticket or attendance counts for every artist on the show's bill.
public struct InteractionWeighting: Sendable, Equatable {
    /// Weight of listening.
    public var playWeight: Float
    /// Whether plays are compressed with `log(1 + plays)`.
    public var logPlays: Bool
    /// Weight per ticket bought.
    public var ticketWeight: Float
    /// Weight per show attended.
    public var attendanceWeight: Float

    /// A weighting; every weight must be finite and non-negative.
    public init(playWeight: Float = 1, logPlays: Bool = true, ticketWeight: Float = 2, attendanceWeight: Float = 3) {
        self.playWeight = playWeight
        self.logPlays = logPlays
        self.ticketWeight = ticketWeight
        self.attendanceWeight = attendanceWeight
    }

    func validate() throws {
        for (name, value) in [("playWeight", playWeight), ("ticketWeight", ticketWeight), ("attendanceWeight", attendanceWeight)]
        where !value.isFinite || value < 0 {
            throw VaultError.invalidParameter("\(name) must be finite and non-negative, got \(value)")
        }
    }
}
