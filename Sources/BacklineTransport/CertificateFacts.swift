/// What the identity policy needs to know about a verified leaf certificate, extracted from
/// OpenSSL so the policy itself is pure Swift and testable without certificates.
public struct CertificateFacts: Sendable, Equatable {
    /// Every URI subject alternative name, in certificate order.
    public var uriNames: [String]
    /// Whether basicConstraints says CA:TRUE.
    public var isCertificateAuthority: Bool
    /// Whether keyUsage includes keyCertSign.
    public var canSignCertificates: Bool

    /// Facts as given.
    public init(uriNames: [String], isCertificateAuthority: Bool, canSignCertificates: Bool) {
        self.uriNames = uriNames
        self.isCertificateAuthority = isCertificateAuthority
        self.canSignCertificates = canSignCertificates
    }
}
