/// A Backline workload identity `spiffe://<trust domain>/<role>/<name>`, e.g.
/// `spiffe://fed/promoter/p1`. The role is not checked here: an unknown role is the policy's
/// business (it denies with reason `error`).
public struct SpiffeID: Sendable, Hashable, CustomStringConvertible {
    /// The trust domain (`fed`).
    public let trustDomain: String
    /// The role segment (`promoter`).
    public let role: String
    /// The workload name (`p1`): the owner value that "owner is self" compares with.
    public let name: String

    /// Parses and checks an ID: scheme `spiffe://`, a lowercase trust domain, exactly two path
    /// segments of `[A-Za-z0-9._-]`, at most 2048 bytes.
    public init(parsing text: String) throws {
        guard text.utf8.count <= 2048, text.hasPrefix("spiffe://") else {
            throw PolicyError.invalidInput("'\(text.prefix(80))' is not a spiffe:// ID")
        }
        let parts = text.dropFirst("spiffe://".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw PolicyError.invalidInput("'\(text.prefix(80))' must be spiffe://<domain>/<role>/<name>") }
        guard Self.isTrustDomain(parts[0]) else { throw PolicyError.invalidInput("trust domain '\(parts[0].prefix(80))' is invalid") }
        for segment in parts[1...] where !Self.isSegment(segment) {
            throw PolicyError.invalidInput("path segment '\(segment.prefix(80))' is invalid")
        }
        trustDomain = parts[0]
        role = parts[1]
        name = parts[2]
    }

    /// The ID as text.
    public var description: String { "spiffe://\(trustDomain)/\(role)/\(name)" }

    private static func isTrustDomain(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 95 }
    }

    private static func isSegment(_ text: String) -> Bool {
        !text.isEmpty && text != "." && text != ".."
            && text.utf8.allSatisfy {
                ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 95
            }
    }
}
