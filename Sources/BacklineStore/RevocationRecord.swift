import BacklineCore
public import Foundation

/// A revoked certificate.
public struct RevocationRecord: Sendable, Hashable {
    /// Certificate serial number (hex).
    public var serial: String
    /// SPIFFE id of the revoked certificate.
    public var spiffeID: String
    /// When it was revoked.
    public var revokedAt: Date
    /// Why (free text, no secrets).
    public var reason: String

    /// Creates a revocation record.
    public init(serial: String, spiffeID: String, revokedAt: Date, reason: String = "") {
        self.serial = serial
        self.spiffeID = spiffeID
        self.revokedAt = revokedAt
        self.reason = reason
    }
}
