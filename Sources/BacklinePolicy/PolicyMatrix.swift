/// Every decision of a policy over the full matrix: declared role × action × resource type ×
/// owner (self, other) × round (open, closed), for a subject named ``subject``.
public struct PolicyMatrix: Sendable, Equatable {
    /// One combination.
    public struct Cell: Sendable, Hashable, CustomStringConvertible {
        /// Role.
        public let role: String
        /// Action.
        public let action: String
        /// Resource type.
        public let resourceType: String
        /// Whether the resource's owner is the subject.
        public let ownerIsSelf: Bool
        /// Whether the round is open.
        public let roundIsOpen: Bool

        public var description: String {
            "\(role) \(action) \(resourceType) \(ownerIsSelf ? "self" : "other") \(roundIsOpen ? "open" : "closed")"
        }
    }

    /// What the policy decided for a cell (the hash is left out so policies compare).
    public struct Outcome: Sendable, Hashable {
        /// Allowed or not.
        public let allowed: Bool
        /// The deciding rule id.
        public let ruleID: String
    }

    /// Name of the subject in every request.
    public static let subject = "p1"
    /// Owner used for "other".
    public static let otherOwner = "p2"

    /// The cells in a fixed order.
    public let cells: [Cell]
    /// The outcome of each cell.
    public let outcomes: [Cell: Outcome]

    /// Evaluates `policy` over its full matrix.
    public init(policy: CompiledPolicy) {
        var cells: [Cell] = []
        var outcomes: [Cell: Outcome] = [:]
        for role in policy.roles {
            for action in policy.actions {
                for resource in policy.resourceTypes {
                    for ownerIsSelf in [true, false] {
                        for roundIsOpen in [true, false] {
                            let cell = Cell(
                                role: role,
                                action: action,
                                resourceType: resource,
                                ownerIsSelf: ownerIsSelf,
                                roundIsOpen: roundIsOpen
                            )
                            let decision = policy.evaluate(Self.request(for: cell))
                            cells.append(cell)
                            outcomes[cell] = Outcome(allowed: decision.allowed, ruleID: decision.ruleID)
                        }
                    }
                }
            }
        }
        self.cells = cells
        self.outcomes = outcomes
    }

    /// The request a cell stands for.
    public static func request(for cell: Cell) -> PolicyRequest {
        PolicyRequest(
            role: cell.role,
            subject: subject,
            action: cell.action,
            resourceType: cell.resourceType,
            owner: cell.ownerIsSelf ? subject : otherOwner,
            roundIsOpen: cell.roundIsOpen
        )
    }
}
