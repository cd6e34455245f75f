public import Foundation

/// One access decision in the audit log. It names who asked for what and what happened, never
/// payloads, keys or member data. Its ``canonicalBytes`` (sorted-key JSON without whitespace)
/// are the Merkle leaf data.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Whether the request was allowed.
    public enum Decision: String, Sendable, Hashable, Codable {
        case allow, deny
    }

    /// When, as an ``AuditTime`` timestamp.
    public let time: String
    /// The caller's SPIFFE ID (from its certificate), e.g. `spiffe://fed/promoter/p1`.
    public let spiffeID: String
    /// The caller's role.
    public let role: String
    /// The action asked for, e.g. `submit_update`.
    public let action: String
    /// The resource, e.g. `update:p1:r7`.
    public let resource: String
    /// The federation round concerned, if any.
    public let round: Int?
    /// The policy decision.
    public let decision: Decision
    /// The deciding rule's id, or `default` / `error`.
    public let ruleID: String
    /// SHA-256 (hex) of the policy file that decided.
    public let policySHA256: String
    /// SHA-256 (hex) of the request (method, path, body digest), or empty.
    public let requestDigest: String
    /// What happened, e.g. `ok`, `denied`, `rejected`, `impersonation_attempt`.
    public let outcome: String

    /// Longest text field, in UTF-8 bytes.
    public static let maximumFieldBytes = 512

    enum CodingKeys: String, CodingKey {
        case time, role, action, resource, round, decision, outcome
        case spiffeID = "spiffe_id"
        case ruleID = "rule_id"
        case policySHA256 = "policy_sha256"
        case requestDigest = "request_digest"
    }

    /// A validated entry; throws ``AuditError`` `malformed` naming the field at fault.
    public init(
        time: String,
        spiffeID: String,
        role: String,
        action: String,
        resource: String,
        round: Int? = nil,
        decision: Decision,
        ruleID: String,
        policySHA256: String,
        requestDigest: String = "",
        outcome: String
    ) throws {
        self.time = time
        self.spiffeID = spiffeID
        self.role = role
        self.action = action
        self.resource = resource
        self.round = round
        self.decision = decision
        self.ruleID = ruleID
        self.policySHA256 = policySHA256
        self.requestDigest = requestDigest
        self.outcome = outcome
        try validate()
    }

    /// An entry stamped with the current time.
    public init(
        at date: Date = Date(),
        spiffeID: String,
        role: String,
        action: String,
        resource: String,
        round: Int? = nil,
        decision: Decision,
        ruleID: String,
        policySHA256: String,
        requestDigest: String = "",
        outcome: String
    ) throws {
        try self.init(
            time: AuditTime.string(from: date),
            spiffeID: spiffeID,
            role: role,
            action: action,
            resource: resource,
            round: round,
            decision: decision,
            ruleID: ruleID,
            policySHA256: policySHA256,
            requestDigest: requestDigest,
            outcome: outcome
        )
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            time: c.decode(String.self, forKey: .time),
            spiffeID: c.decode(String.self, forKey: .spiffeID),
            role: c.decode(String.self, forKey: .role),
            action: c.decode(String.self, forKey: .action),
            resource: c.decode(String.self, forKey: .resource),
            round: c.decodeIfPresent(Int.self, forKey: .round),
            decision: c.decode(Decision.self, forKey: .decision),
            ruleID: c.decode(String.self, forKey: .ruleID),
            policySHA256: c.decode(String.self, forKey: .policySHA256),
            requestDigest: c.decode(String.self, forKey: .requestDigest),
            outcome: c.decode(String.self, forKey: .outcome)
        )
    }

    /// Checks every field: timestamp format, text fields printable and ≤ 512 bytes, digests
    /// 64 lowercase hex digits (the request digest may be empty), round within 0…2³¹−1.
    public func validate() throws {
        guard AuditTime.isValid(time) else {
            throw AuditError.malformed("audit entry field time", "'\(time.prefix(40))' is not YYYY-MM-DDTHH:MM:SS.mmmZ")
        }
        for (name, value) in [
            ("spiffe_id", spiffeID), ("role", role), ("action", action), ("resource", resource), ("rule_id", ruleID), ("outcome", outcome),
        ] {
            guard !value.isEmpty, value.utf8.count <= Self.maximumFieldBytes else {
                throw AuditError.malformed(
                    "audit entry field \(name)",
                    "must be 1…\(Self.maximumFieldBytes) bytes, got \(value.utf8.count)"
                )
            }
            // UTF-8 bytes below 0x80 are the ASCII characters themselves, so a byte scan finds them.
            guard !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                throw AuditError.malformed("audit entry field \(name)", "contains a control character, quote or backslash")
            }
        }
        guard Self.isDigest(policySHA256) else {
            throw AuditError.malformed("audit entry field policy_sha256", "must be 64 lowercase hex digits")
        }
        guard requestDigest.isEmpty || Self.isDigest(requestDigest) else {
            throw AuditError.malformed("audit entry field request_digest", "must be empty or 64 lowercase hex digits")
        }
        if let round, round < 0 || round > Int(Int32.max) {
            throw AuditError.malformed("audit entry field round", "\(round) not in 0…\(Int32.max)")
        }
    }

    /// The canonical encoding: JSON object, keys in byte order, no whitespace, `round`
    /// omitted when absent. Text fields hold no characters that JSON escapes (checked by
    /// ``validate()``), so every value is written verbatim between quotes.
    public var canonicalBytes: [UInt8] { encodeCanonical(leafPrefix: false) }

    /// The canonical bytes, optionally after the RFC 6962 leaf prefix 0x00 (one buffer to hash).
    private func encodeCanonical(leafPrefix: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(300 + spiffeID.utf8.count + resource.utf8.count + action.utf8.count + outcome.utf8.count)
        if leafPrefix { out.append(0) }
        func field(_ key: StaticString, _ value: String, first: Bool = false) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: "\"")])
            out.append(contentsOf: value.utf8)
            out.append(UInt8(ascii: "\""))
        }
        field("action", action, first: true)
        field("decision", decision.rawValue)
        field("outcome", outcome)
        field("policy_sha256", policySHA256)
        field("request_digest", requestDigest)
        field("resource", resource)
        field("role", role)
        if let round {
            out.append(contentsOf: Array(",\"round\":".utf8))
            out.append(contentsOf: String(round).utf8)
        }
        field("rule_id", ruleID)
        field("spiffe_id", spiffeID)
        field("time", time)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Decodes an entry from its canonical encoding; anything else (other spacing, key order,
    /// escapes, extra keys, leading zeros) is rejected, so a stored line maps to exactly one
    /// leaf. A strict scanner rather than a JSON parser: it is also 20× faster.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws {
        var scanner = CanonicalScanner(bytes: Array(bytes))
        func string(_ key: StaticString, first: Bool = false) throws -> String {
            try scanner.expect(first ? "{\"" : ",\"")
            try scanner.expect(key)
            try scanner.expect("\":\"")
            return try scanner.stringValue()
        }
        let action = try string("action", first: true)
        let decisionText = try string("decision")
        let outcome = try string("outcome")
        let policy = try string("policy_sha256")
        let digest = try string("request_digest")
        let resource = try string("resource")
        let role = try string("role")
        var round: Int?
        if scanner.accept(",\"round\":") { round = try scanner.integerValue() }
        let rule = try string("rule_id")
        let spiffe = try string("spiffe_id")
        let time = try string("time")
        try scanner.expect("}")
        guard scanner.atEnd else { throw AuditError.malformed("audit entry", "bytes after the closing brace") }
        guard let decision = Decision(rawValue: decisionText) else {
            throw AuditError.malformed("audit entry field decision", "must be allow or deny")
        }
        try self.init(
            time: time,
            spiffeID: spiffe,
            role: role,
            action: action,
            resource: resource,
            round: round,
            decision: decision,
            ruleID: rule,
            policySHA256: policy,
            requestDigest: digest,
            outcome: outcome
        )
    }

    /// The Merkle leaf hash of this entry.
    public var leafHash: TreeHash { MerkleHasher.leafHash(prefixed: encodeCanonical(leafPrefix: true)) }

    private static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}
