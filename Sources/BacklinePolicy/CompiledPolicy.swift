internal import BacklineCore
internal import BacklineCrypto

/// An immutable, checked policy compiled to an index: for each (role, action) pair the rules
/// that can apply, deny rules first, each group sorted by rule id. A decision is three
/// dictionary look-ups and a few comparisons.
///
/// Semantics (order-independent): a request naming an unknown role, action or resource type,
/// or lacking an attribute its resource type declares, is denied with rule id `error`. Else
/// the matching deny rule with the smallest id denies; else the matching allow rule with the
/// smallest id allows; else the request is denied with rule id `default`.
public final class CompiledPolicy: Sendable {
    struct Rule: Sendable {
        let id: String
        let allow: Bool
        let resourceMask: UInt64
        let ownerIsSelf: Bool?
        let roundIsOpen: Bool?
        let reason: String
    }

    /// Largest accepted policy file.
    public static let maximumBytes = 1 << 20
    /// Most resource types (one bit each in a mask).
    public static let maximumResourceTypes = 64

    /// SHA-256 (hex) of the policy file bytes.
    public let sha256: String
    /// Where it came from (a path or a label), for messages.
    public let file: String
    /// Declared roles, in file order.
    public let roles: [String]
    /// Declared actions, in file order.
    public let actions: [String]
    /// Declared resource types, in file order.
    public let resourceTypes: [String]
    /// Rule ids, in file order.
    public let ruleIDs: [String]

    private let roleIndex: [String: Int]
    private let actionIndex: [String: Int]
    private let resourceIndex: [String: Int]
    private let resourceAttributes: [PolicySource.Attribute]
    private let candidates: [[Rule]]

    /// Compiles the policy in `bytes` (UTF-8), labelled `file` in errors. Throws
    /// ``PolicyError`` naming the line of the first problem.
    public init(bytes: [UInt8], file: String) throws {
        guard bytes.count <= Self.maximumBytes else { throw PolicyError.unreadable(file, "larger than \(Self.maximumBytes) bytes") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw PolicyError.unreadable(file, "not valid UTF-8") }
        let source = try PolicyParser(file: file).parse(text)
        guard !source.roles.isEmpty, !source.actions.isEmpty, !source.resources.isEmpty else {
            throw PolicyError.atLine(.syntax, file, 1, "a policy declares at least one role, one action and one resource type")
        }
        guard source.resources.count <= Self.maximumResourceTypes else {
            throw PolicyError.atLine(
                .syntax,
                file,
                source.declarationLines["resource \(source.resources[Self.maximumResourceTypes].name)"] ?? 1,
                "more than \(Self.maximumResourceTypes) resource types"
            )
        }
        self.file = file
        sha256 = Self.hex(SHA256.hash(bytes))
        roles = source.roles
        actions = source.actions
        resourceTypes = source.resources.map(\.name)
        ruleIDs = source.rules.map(\.id)
        roleIndex = Dictionary(uniqueKeysWithValues: roles.enumerated().map { ($1, $0) })
        actionIndex = Dictionary(uniqueKeysWithValues: actions.enumerated().map { ($1, $0) })
        resourceIndex = Dictionary(uniqueKeysWithValues: resourceTypes.enumerated().map { ($1, $0) })
        resourceAttributes = source.resources.map(\.attributes)

        var table = [[Rule]](repeating: [], count: roles.count * actions.count)
        for rule in source.rules {
            let roleSet = try Self.resolve(rule.roles, in: roleIndex, kind: "role", rule: rule, file: file)
            let actionSet = try Self.resolve(rule.actions, in: actionIndex, kind: "action", rule: rule, file: file)
            let resourceSet = try Self.resolve(rule.resources, in: resourceIndex, kind: "resource type", rule: rule, file: file)
            for resource in resourceSet {
                let attributes = source.resources[resource].attributes
                if rule.ownerIsSelf != nil, !attributes.contains(.owner) {
                    throw PolicyError.atLine(
                        .undeclared,
                        file,
                        rule.line,
                        "rule \(rule.id) tests owner but resource type '\(resourceTypes[resource])' has no owner"
                    )
                }
                if rule.roundIsOpen != nil, !attributes.contains(.round) {
                    throw PolicyError.atLine(
                        .undeclared,
                        file,
                        rule.line,
                        "rule \(rule.id) tests round but resource type '\(resourceTypes[resource])' has no round"
                    )
                }
            }
            let mask = resourceSet.reduce(UInt64(0)) { $0 | (1 << UInt64($1)) }
            let compiled = Rule(
                id: rule.id,
                allow: rule.allow,
                resourceMask: mask,
                ownerIsSelf: rule.ownerIsSelf,
                roundIsOpen: rule.roundIsOpen,
                reason: "\(rule.allow ? "allowed" : "denied") by rule \(rule.id) (\(file) line \(rule.line))"
            )
            for role in roleSet {
                for action in actionSet { table[role * actions.count + action].append(compiled) }
            }
        }
        candidates = table.map { rules in
            rules.sorted { a, b in a.allow != b.allow ? !a.allow : a.id < b.id }
        }
    }

    /// Reads and compiles the policy file at `path`.
    public convenience init(contentsOf path: String) throws {
        let bytes: [UInt8]
        do { bytes = try FileAccess.readAll(path) } catch { throw PolicyError.unreadable(path, "cannot read: \(error)", underlying: error) }
        try self.init(bytes: bytes, file: path)
    }

    /// The decision for `request`.
    public func evaluate(_ request: PolicyRequest) -> PolicyDecision {
        guard let role = roleIndex[request.role] else { return error("unknown role '\(request.role.prefix(64))'") }
        guard let action = actionIndex[request.action] else { return error("unknown action '\(request.action.prefix(64))'") }
        guard let resource = resourceIndex[request.resourceType] else {
            return error("unknown resource type '\(request.resourceType.prefix(64))'")
        }
        let attributes = resourceAttributes[resource]
        if attributes.contains(.owner), request.owner == nil { return error("resource type '\(request.resourceType)' needs an owner") }
        if attributes.contains(.round), request.roundIsOpen == nil {
            return error("resource type '\(request.resourceType)' needs a round state")
        }
        let bit = UInt64(1) << UInt64(resource)
        for rule in candidates[role * actions.count + action] where rule.resourceMask & bit != 0 {
            if let ownerIsSelf = rule.ownerIsSelf, (request.owner == request.subject) != ownerIsSelf { continue }
            if let roundIsOpen = rule.roundIsOpen, request.roundIsOpen != roundIsOpen { continue }
            return PolicyDecision(allowed: rule.allow, ruleID: rule.id, reason: rule.reason, policySHA256: sha256)
        }
        return PolicyDecision(
            allowed: false,
            ruleID: PolicyDecision.defaultRuleID,
            reason: "no rule allows it (default deny)",
            policySHA256: sha256
        )
    }

    private func error(_ reason: String) -> PolicyDecision {
        PolicyDecision(allowed: false, ruleID: PolicyDecision.errorRuleID, reason: reason, policySHA256: sha256)
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] }, as: UTF8.self)
    }

    private static func resolve(
        _ names: [String],
        in index: [String: Int],
        kind: String,
        rule: PolicySource.Rule,
        file: String
    ) throws -> [Int] {
        if names == ["*"] { return Array(index.values).sorted() }
        var result: [Int] = []
        for name in names {
            guard let value = index[name] else {
                throw PolicyError.atLine(.undeclared, file, rule.line, "rule \(rule.id) names undeclared \(kind) '\(name)'")
            }
            if !result.contains(value) { result.append(value) }
        }
        return result
    }
}
