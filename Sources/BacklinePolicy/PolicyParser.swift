internal import BacklineCore

/// Reads the policy language (grammar in Policies/README.md) into a ``PolicySource``.
/// Every error names the file and line.
struct PolicyParser {
    let file: String

    /// Longest accepted line, in bytes.
    static let maximumLineBytes = 4096

    func parse(_ text: String) throws -> PolicySource {
        var source = PolicySource()
        var ruleLines: [String: Int] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            guard rawLine.utf8.count <= Self.maximumLineBytes else {
                throw error(.syntax, number, "line longer than \(Self.maximumLineBytes) bytes")
            }
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if let bad = content.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\r" || $0.value == 0x7f }) {
                throw error(.syntax, number, "control character U+\(String(bad.value, radix: 16))")
            }
            var tokens = Tokens(Self.tokenize(String(content)), file: file, line: number)
            guard let keyword = tokens.peek() else { continue }
            switch keyword {
            case "policy":
                tokens.skip()
                _ = try tokens.name(kind: "policy name")
                try tokens.end()
            case "roles", "actions":
                tokens.skip()
                var names: [String] = []
                while tokens.peek() != nil { names.append(try tokens.name(kind: keyword == "roles" ? "role" : "action")) }
                guard !names.isEmpty else { throw error(.syntax, number, "'\(keyword)' needs at least one name") }
                for name in names {
                    let key = "\(keyword) \(name)"
                    if let first = source.declarationLines[key] {
                        throw error(
                            .duplicate,
                            number,
                            "\(keyword == "roles" ? "role" : "action") '\(name)' already declared on line \(first)"
                        )
                    }
                    source.declarationLines[key] = number
                    if keyword == "roles" { source.roles.append(name) } else { source.actions.append(name) }
                }
            case "resource":
                tokens.skip()
                let name = try tokens.name(kind: "resource type")
                var attributes: PolicySource.Attribute = []
                if tokens.peek() == "with" {
                    tokens.skip()
                    repeat {
                        let attributeName = try tokens.name(kind: "attribute")
                        guard let attribute = PolicySource.Attribute(name: attributeName) else {
                            throw error(.syntax, number, "unknown attribute '\(attributeName)' (owner, round)")
                        }
                        attributes.insert(attribute)
                    } while tokens.accept(",")
                }
                try tokens.end()
                let key = "resource \(name)"
                if let first = source.declarationLines[key] {
                    throw error(.duplicate, number, "resource type '\(name)' already declared on line \(first)")
                }
                source.declarationLines[key] = number
                source.resources.append((name, attributes))
            case "allow", "deny":
                tokens.skip()
                let id = try tokens.ruleID()
                if let first = ruleLines[id] { throw error(.duplicate, number, "rule id '\(id)' already used on line \(first)") }
                ruleLines[id] = number
                try tokens.expect(":")
                let roles = try tokens.list(kind: "role")
                let actions = try tokens.list(kind: "action")
                try tokens.expect("on")
                let resources = try tokens.list(kind: "resource type")
                var ownerIsSelf: Bool?
                var roundIsOpen: Bool?
                if tokens.accept("when") {
                    repeat {
                        let attribute = try tokens.name(kind: "attribute")
                        try tokens.expect("is")
                        let value = try tokens.name(kind: "value")
                        switch (attribute, value) {
                        case ("owner", "self"), ("owner", "other"):
                            guard ownerIsSelf == nil else { throw error(.syntax, number, "condition on owner given twice") }
                            ownerIsSelf = value == "self"
                        case ("round", "open"), ("round", "closed"):
                            guard roundIsOpen == nil else { throw error(.syntax, number, "condition on round given twice") }
                            roundIsOpen = value == "open"
                        default:
                            throw error(
                                .syntax,
                                number,
                                "unknown condition '\(attribute) is \(value)' (owner is self|other, round is open|closed)"
                            )
                        }
                    } while tokens.accept("and")
                }
                try tokens.end()
                source.rules.append(
                    .init(
                        id: id,
                        allow: keyword == "allow",
                        roles: roles,
                        actions: actions,
                        resources: resources,
                        ownerIsSelf: ownerIsSelf,
                        roundIsOpen: roundIsOpen,
                        line: number
                    )
                )
            default:
                throw error(.syntax, number, "unknown statement '\(keyword)' (policy, roles, actions, resource, allow, deny)")
            }
        }
        return source
    }

    /// Splits on whitespace and makes `,` and `:` tokens of their own.
    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "," || character == ":" {
                if !current.isEmpty { tokens.append(current) }
                tokens.append(String(character))
                current = ""
            } else if character.isWhitespace {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private func error(_ code: PolicyError.Code, _ line: Int, _ message: String) -> PolicyError {
        PolicyError.atLine(code, file, line, message)
    }

    /// A cursor over one line's tokens.
    struct Tokens {
        private var items: [String]
        private var position = 0
        let file: String
        let line: Int

        init(_ items: [String], file: String, line: Int) {
            self.items = items
            self.file = file
            self.line = line
        }

        func peek() -> String? { position < items.count ? items[position] : nil }
        mutating func skip() { position += 1 }

        mutating func accept(_ token: String) -> Bool {
            guard peek() == token else { return false }
            position += 1
            return true
        }

        mutating func expect(_ token: String) throws {
            guard accept(token) else { throw PolicyError.atLine(.syntax, file, line, "expected '\(token)', found \(describe(peek()))") }
        }

        mutating func end() throws {
            if let extra = peek() { throw PolicyError.atLine(.syntax, file, line, "unexpected '\(extra.prefix(40))' at end of line") }
        }

        /// A lowercase name `[a-z][a-z0-9_]*`.
        mutating func name(kind: String) throws -> String {
            guard let token = peek(), Self.isName(token) else {
                throw PolicyError.atLine(.syntax, file, line, "expected a \(kind) name, found \(describe(peek()))")
            }
            position += 1
            return token
        }

        /// `*` or names separated by commas.
        mutating func list(kind: String) throws -> [String] {
            if accept("*") { return ["*"] }
            var names = [try name(kind: kind)]
            while accept(",") { names.append(try name(kind: kind)) }
            return names
        }

        /// A rule id `[A-Za-z][A-Za-z0-9_-]*`, not `default` or `error`.
        mutating func ruleID() throws -> String {
            guard let token = peek(), let first = token.unicodeScalars.first,
                first.properties.isASCIIHexDigit || ("A"..."Z").contains(first) || ("a"..."z").contains(first),
                token.unicodeScalars.allSatisfy({
                    ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
                }),
                !("0"..."9").contains(first), token.count <= 64
            else {
                throw PolicyError.atLine(.syntax, file, line, "expected a rule id, found \(describe(peek()))")
            }
            guard token != PolicyDecision.defaultRuleID, token != PolicyDecision.errorRuleID else {
                throw PolicyError.atLine(.syntax, file, line, "rule id '\(token)' is reserved")
            }
            position += 1
            return token
        }

        static func isName(_ token: String) -> Bool {
            guard let first = token.unicodeScalars.first, ("a"..."z").contains(first), token.count <= 64 else { return false }
            return token.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        }

        private func describe(_ token: String?) -> String { token.map { "'\($0.prefix(40))'" } ?? "end of line" }
    }
}
