/// What a caller asks for: who (role and name), which action, on which resource.
public struct PolicyRequest: Sendable, Hashable {
    /// The caller's role (the SPIFFE ID's role segment).
    public var role: String
    /// The caller's name (the SPIFFE ID's last segment).
    public var subject: String
    /// The action, e.g. `submit_update`.
    public var action: String
    /// The resource type, e.g. `update`.
    public var resourceType: String
    /// The resource's owner (a promoter name), if the resource has one.
    public var owner: String?
    /// Whether the resource's round is open, if the resource belongs to a round.
    public var roundIsOpen: Bool?

    /// A request from its parts.
    public init(role: String, subject: String, action: String, resourceType: String, owner: String? = nil, roundIsOpen: Bool? = nil) {
        self.role = role
        self.subject = subject
        self.action = action
        self.resourceType = resourceType
        self.owner = owner
        self.roundIsOpen = roundIsOpen
    }

    /// A request by the workload `identity`.
    public init(identity: SpiffeID, action: String, resourceType: String, owner: String? = nil, roundIsOpen: Bool? = nil) {
        self.init(
            role: identity.role,
            subject: identity.name,
            action: action,
            resourceType: resourceType,
            owner: owner,
            roundIsOpen: roundIsOpen
        )
    }

    /// A request from the CLI form `TYPE[:owner[:open|closed]]` (an empty owner means none).
    public init(identity: SpiffeID, action: String, resource: String) throws {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), !parts[0].isEmpty else {
            throw PolicyError.invalidInput("resource '\(resource.prefix(80))' must be TYPE[:owner[:open|closed]]")
        }
        var round: Bool?
        if parts.count == 3 {
            switch parts[2] {
            case "open": round = true
            case "closed": round = false
            default: throw PolicyError.invalidInput("round state '\(parts[2].prefix(40))' must be open or closed")
            }
        }
        let owner = parts.count >= 2 && !parts[1].isEmpty ? parts[1] : nil
        self.init(identity: identity, action: action, resourceType: parts[0], owner: owner, roundIsOpen: round)
    }
}
