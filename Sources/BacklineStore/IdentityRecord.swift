import BacklineCore
public import Foundation

/// A certificate identity the aggregator has seen or enrolled.
public struct IdentityRecord: Sendable, Hashable {
    /// Certificate serial number (hex).
    public var serial: String
    /// SPIFFE id from the certificate's URI SAN.
    public var spiffeID: String
    /// Role (promoter, operator, auditor, aggregator).
    public var role: String
    /// When it was registered.
    public var registeredAt: Date

    /// Creates an identity record.
    public init(serial: String, spiffeID: String, role: String, registeredAt: Date) {
        self.serial = serial
        self.spiffeID = spiffeID
        self.role = role
        self.registeredAt = registeredAt
    }
}
