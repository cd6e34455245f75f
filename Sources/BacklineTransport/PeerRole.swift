/// A federation role, the second path segment of a SPIFFE ID. Not an enum, so the set can grow
/// without breaking switch statements elsewhere; ``known`` lists the roles this build accepts.
public struct PeerRole: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The path segment, e.g. `"promoter"`.
    public let rawValue: String

    /// A promoter's node (data owner): client certificates.
    public static let promoter = PeerRole(uncheckedRawValue: "promoter")
    /// The federation's aggregator: the only server role.
    public static let aggregator = PeerRole(uncheckedRawValue: "aggregator")
    /// A federation operator's tools: client certificates.
    public static let `operator` = PeerRole(uncheckedRawValue: "operator")
    /// A compliance auditor: client certificates.
    public static let auditor = PeerRole(uncheckedRawValue: "auditor")

    /// Every role this build accepts.
    public static let known: [PeerRole] = [.promoter, .aggregator, .operator, .auditor]

    /// The known role named `text`, or nil.
    public init?(_ text: String) {
        guard let role = Self.known.first(where: { $0.rawValue == text }) else { return nil }
        self = role
    }

    private init(uncheckedRawValue: String) { rawValue = uncheckedRawValue }

    /// Whether certificates for this role authenticate a TLS server (else a TLS client).
    public var isServer: Bool { self == .aggregator }

    /// The path segment.
    public var description: String { rawValue }

    /// Decodes a known role from its name; unknown names are an error.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let role = PeerRole(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown role '\(text)'"))
        }
        self = role
    }

    /// Encodes the role's name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
