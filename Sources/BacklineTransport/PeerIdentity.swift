/// Who is on the other end of a connection, from its verified certificate's single SPIFFE URI
/// SAN `spiffe://<federation>/<role>/<name>`.
public struct PeerIdentity: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The trust domain: the federation's name.
    public let federation: String
    /// The peer's role.
    public let role: PeerRole
    /// The peer's name within its role (e.g. a promoter id).
    public let name: String

    /// An identity after checking that `federation` and `name` use the SPIFFE-safe alphabet.
    public init(federation: String, role: PeerRole, name: String) throws {
        guard Self.isValidTrustDomain(federation) else {
            throw TransportError.invalidArgument("federation", "'\(federation)' must be 1-63 of a-z 0-9 . - _")
        }
        guard Self.isValidName(name) else {
            throw TransportError.invalidArgument("name", "'\(name)' must be 1-63 of a-z 0-9 . - _, starting with a letter or digit")
        }
        self.federation = federation
        self.role = role
        self.name = name
    }

    private enum CodingKeys: String, CodingKey { case federation, role, name }

    /// Decodes and validates like ``init(federation:role:name:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            federation: try container.decode(String.self, forKey: .federation),
            role: try container.decode(PeerRole.self, forKey: .role),
            name: try container.decode(String.self, forKey: .name)
        )
    }

    /// Parses `spiffe://<federation>/<role>/<name>`; nil if it is not exactly that shape.
    public init?(spiffeID: String) {
        let prefix = "spiffe://"
        guard spiffeID.hasPrefix(prefix) else { return nil }
        let parts = spiffeID.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let role = PeerRole(String(parts[1])),
            let identity = try? PeerIdentity(federation: String(parts[0]), role: role, name: String(parts[2]))
        else { return nil }
        self = identity
    }

    /// `spiffe://<federation>/<role>/<name>`.
    public var spiffeID: String { "spiffe://\(federation)/\(role.rawValue)/\(name)" }

    /// The SPIFFE ID.
    public var description: String { spiffeID }

    /// Judges a verified leaf: exactly one URI SAN, a SPIFFE ID in `federation` with a known role,
    /// and not a CA (no CA:TRUE, no keyCertSign). A refusal is a value carrying the reason to log.
    public static func judge(_ facts: CertificateFacts, federation: String) -> IdentityDecision {
        if facts.isCertificateAuthority { return .rejected("leaf certificate has CA:TRUE") }
        if facts.canSignCertificates { return .rejected("leaf certificate has keyUsage keyCertSign") }
        guard facts.uriNames.count == 1 else {
            return .rejected("certificate has \(facts.uriNames.count) URI SANs; exactly one SPIFFE ID is required")
        }
        let uri = loggable(facts.uriNames[0])
        let prefix = "spiffe://"
        guard uri.hasPrefix(prefix) else { return .rejected("URI SAN '\(uri.prefix(200))' is not a SPIFFE ID") }
        let parts = uri.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .rejected("SPIFFE ID '\(uri.prefix(200))' is not spiffe://<federation>/<role>/<name>") }
        guard parts[0] == federation else {
            return .rejected("SPIFFE ID '\(uri.prefix(200))' is in trust domain '\(loggable(parts[0].prefix(100)))', not '\(federation)'")
        }
        guard let role = PeerRole(String(parts[1])) else {
            return .rejected("SPIFFE ID '\(uri.prefix(200))' has unknown role '\(loggable(parts[1].prefix(100)))'")
        }
        guard let identity = try? PeerIdentity(federation: federation, role: role, name: String(parts[2])) else {
            return .rejected("SPIFFE ID '\(uri.prefix(200))' has an invalid name segment")
        }
        return .accepted(identity)
    }

    /// Certificate text made safe for a log line: control characters and non-ASCII escaped.
    private static func loggable(_ text: some StringProtocol) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7f {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return result
    }

    static func isValidTrustDomain(_ text: String) -> Bool {
        (1...63).contains(text.utf8.count) && text.utf8.allSatisfy(isSafeByte)
    }

    static func isValidName(_ text: String) -> Bool {
        guard (1...63).contains(text.utf8.count), let first = text.utf8.first else { return false }
        return isAlphanumeric(first) && text.utf8.allSatisfy(isSafeByte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isSafeByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}

/// The identity policy's verdict on a certificate: accepted with the identity, or rejected with
/// the reason to log. A refusal is a value, not a throw.
public enum IdentityDecision: Sendable, Equatable {
    /// The certificate names this peer.
    case accepted(PeerIdentity)
    /// The certificate is refused for this reason.
    case rejected(String)
}
