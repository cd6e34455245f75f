internal import BacklineCore

/// A golden decision table (format in Policies/README.md): `allow` lines list the
/// combinations that must be allowed, `deny` lines combinations that must be denied (with an
/// optional rule id), and everything not allowed must be denied.
public struct DecisionTable: Sendable {
    struct Line: Sendable {
        let allow: Bool
        let columns: [String]  // role, action, resource, owner, round; "*" = any
        let ruleID: String?
        let number: Int

        func covers(_ cell: PolicyMatrix.Cell) -> Bool {
            let values = [
                cell.role, cell.action, cell.resourceType, cell.ownerIsSelf ? "self" : "other", cell.roundIsOpen ? "open" : "closed",
            ]
            return zip(columns, values).allSatisfy { $0 == "*" || $0 == $1 }
        }
    }

    /// Path of the table file.
    public let path: String
    /// The policy the table names (resolved against the table's directory), if it names one.
    public let policyPath: String?
    let lines: [Line]

    /// Reads a table; throws ``PolicyError`` naming the line of a syntax error.
    public init(contentsOf path: String) throws {
        let bytes: [UInt8]
        do { bytes = try FileAccess.readAll(path) } catch { throw PolicyError.unreadable(path, "cannot read: \(error)", underlying: error) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw PolicyError.unreadable(path, "not valid UTF-8") }
        try self.init(text: text, path: path)
    }

    /// Parses table text labelled `path`.
    public init(text: String, path: String) throws {
        self.path = path
        var policyPath: String?
        var lines: [Line] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let tokens = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let first = tokens.first else { continue }
            switch first {
            case "policy":
                guard tokens.count == 2 else { throw PolicyError.atLine(.syntax, path, number, "'policy' takes one path") }
                let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
                policyPath = tokens[1].hasPrefix("/") ? tokens[1] : directory + "/" + tokens[1]
            case "allow", "deny":
                guard tokens.count == 6 || tokens.count == 7 else {
                    throw PolicyError.atLine(.syntax, path, number, "expected: \(first) ROLE ACTION RESOURCE OWNER ROUND [RULE]")
                }
                guard ["self", "other", "*"].contains(tokens[4]) else {
                    throw PolicyError.atLine(.syntax, path, number, "owner must be self, other or *")
                }
                guard ["open", "closed", "*"].contains(tokens[5]) else {
                    throw PolicyError.atLine(.syntax, path, number, "round must be open, closed or *")
                }
                lines.append(
                    Line(
                        allow: first == "allow",
                        columns: Array(tokens[1...5]),
                        ruleID: tokens.count == 7 ? tokens[6] : nil,
                        number: number
                    )
                )
            default:
                throw PolicyError.atLine(.syntax, path, number, "unknown statement '\(first.prefix(40))' (policy, allow, deny)")
            }
        }
        self.policyPath = policyPath
        self.lines = lines
    }

    /// Checks every cell of `policy`'s matrix against the table. Throws ``PolicyError`` if the
    /// table names something the policy does not declare or has an allow and a deny line for
    /// the same cell; returns the mismatches otherwise.
    public func run(against policy: CompiledPolicy) throws -> DecisionTableResult {
        let declared = [Set(policy.roles), Set(policy.actions), Set(policy.resourceTypes)]
        for line in lines {
            for (column, kind) in zip(0..<3, ["role", "action", "resource type"])
            where line.columns[column] != "*" && !declared[column].contains(line.columns[column]) {
                throw PolicyError.atLine(
                    .undeclared,
                    path,
                    line.number,
                    "\(kind) '\(line.columns[column])' is not declared by \(policy.file)"
                )
            }
        }
        let matrix = PolicyMatrix(policy: policy)
        var failures: [String] = []
        for cell in matrix.cells {
            let covering = lines.filter { $0.covers(cell) }
            let allows = covering.filter(\.allow)
            let denies = covering.filter { !$0.allow }
            if let allow = allows.first, let deny = denies.first {
                throw PolicyError.atLine(.duplicate, path, deny.number, "'\(cell)' is also expected allowed on line \(allow.number)")
            }
            let outcome = matrix.outcomes[cell]!
            let expectAllow = !allows.isEmpty
            if outcome.allowed != expectAllow {
                let line = (allows + denies).first.map { " (line \($0.number))" } ?? " (not listed: default deny)"
                failures.append(
                    "\(cell): expected \(expectAllow ? "allow" : "deny")\(line), got \(outcome.allowed ? "allow" : "deny") by \(outcome.ruleID)"
                )
                continue
            }
            for line in covering {
                if let rule = line.ruleID, rule != outcome.ruleID {
                    failures.append("\(cell): expected rule \(rule) (line \(line.number)), decided by \(outcome.ruleID)")
                }
            }
        }
        return DecisionTableResult(table: path, policySHA256: policy.sha256, cases: matrix.cells.count, failures: failures)
    }
}

/// The outcome of running a ``DecisionTable``.
public struct DecisionTableResult: Sendable, Codable, Hashable {
    /// The table's path.
    public let table: String
    /// SHA-256 of the policy tested.
    public let policySHA256: String
    /// Number of matrix cells checked.
    public let cases: Int
    /// One line per mismatch.
    public let failures: [String]
    /// Whether every cell matched.
    public var passed: Bool { failures.isEmpty }

    enum CodingKeys: String, CodingKey {
        case table, cases, failures, passed
        case policySHA256 = "policy_sha256"
    }

    /// A result (the runner makes these).
    init(table: String, policySHA256: String, cases: Int, failures: [String]) {
        self.table = table
        self.policySHA256 = policySHA256
        self.cases = cases
        self.failures = failures
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            table: try c.decode(String.self, forKey: .table),
            policySHA256: try c.decode(String.self, forKey: .policySHA256),
            cases: try c.decode(Int.self, forKey: .cases),
            failures: try c.decode([String].self, forKey: .failures)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(table, forKey: .table)
        try c.encode(policySHA256, forKey: .policySHA256)
        try c.encode(cases, forKey: .cases)
        try c.encode(failures, forKey: .failures)
        try c.encode(passed, forKey: .passed)
    }
}
