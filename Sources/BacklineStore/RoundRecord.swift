import BacklineCore
public import Foundation

/// One federated round as stored.
public struct RoundRecord: Sendable, Hashable {
    /// The round number (positive).
    public var id: Int64
    /// Its state.
    public var state: RoundState
    /// Minimum number of contributing promoters for the round to publish.
    public var minClients: Int64
    /// After this time the round accepts no more updates (stored at millisecond precision).
    public var deadline: Date
    /// Round parameters as JSON text (clipping norm, noise multiplier, strategy…).
    public var parametersJSON: String
    /// When the round was created.
    public var createdAt: Date
    /// When its state last changed.
    public var updatedAt: Date

    /// Creates a round record; validate with ``StoreValidation``.
    public init(
        id: Int64,
        state: RoundState = .open,
        minClients: Int64,
        deadline: Date,
        parametersJSON: String,
        createdAt: Date,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.state = state
        self.minClients = minClients
        self.deadline = deadline
        self.parametersJSON = parametersJSON
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}
