/// A parsed policy file before compilation: declarations and rules with their line numbers.
struct PolicySource: Sendable {
    /// A resource attribute a condition can test.
    struct Attribute: OptionSet, Sendable, Hashable {
        let rawValue: UInt8
        static let owner = Attribute(rawValue: 1)
        static let round = Attribute(rawValue: 2)

        init(rawValue: UInt8) { self.rawValue = rawValue }

        init?(name: String) {
            switch name {
            case "owner": self = .owner
            case "round": self = .round
            default: return nil
            }
        }
    }

    /// One `allow`/`deny` rule as written.
    struct Rule: Sendable {
        let id: String
        let allow: Bool
        let roles: [String]  // "*" means every declared role
        let actions: [String]
        let resources: [String]
        let ownerIsSelf: Bool?
        let roundIsOpen: Bool?
        let line: Int
    }

    var roles: [String] = []
    var actions: [String] = []
    var resources: [(name: String, attributes: Attribute)] = []
    var rules: [Rule] = []
    var declarationLines: [String: Int] = [:]  // "role promoter" → line
}
