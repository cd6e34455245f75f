public import Foundation

/// The CA's record of every certificate it issued (`index.json` in the Keys directory).
public struct PKIIndex: Codable, Sendable, Equatable {
    /// The federation (SPIFFE trust domain).
    public var federation: String
    /// Whether the CA key file is encrypted with a passphrase.
    public var caKeyEncrypted: Bool
    /// Serial of the CA certificate (hex).
    public var caSerial: String
    /// Number of the last CRL written.
    public var crlNumber: Int
    /// Issued leaf certificates, oldest first.
    public var entries: [PKIIndexEntry]
}

/// One issued certificate.
public struct PKIIndexEntry: Codable, Sendable, Equatable {
    /// Serial number, upper-case hex.
    public var serial: String
    /// Role of the holder.
    public var role: PeerRole
    /// Name of the holder.
    public var name: String
    /// The SPIFFE ID in the certificate's URI SAN.
    public var spiffeID: String
    /// Start of validity.
    public var notBefore: Date
    /// End of validity.
    public var notAfter: Date
    /// When it was revoked, if it was.
    public var revokedAt: Date?

    /// `"revoked"`, `"expired"` or `"valid"` at `date`.
    public func status(at date: Date = Date()) -> String {
        if revokedAt != nil { return "revoked" }
        return date > notAfter ? "expired" : "valid"
    }
}
