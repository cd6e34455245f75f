internal import Synchronization

/// The live policy of a service: evaluates requests against the current ``CompiledPolicy``
/// and swaps in a new one atomically on reload. A decision uses one policy from start to end
/// (its hash says which); a failed reload leaves the previous policy active.
public final class PolicyEngine: Sendable {
    private let current: Mutex<CompiledPolicy>

    /// An engine starting with `policy`.
    public init(policy: CompiledPolicy) {
        current = Mutex(policy)
    }

    /// An engine starting with the policy file at `path`.
    public convenience init(contentsOf path: String) throws {
        self.init(policy: try CompiledPolicy(contentsOf: path))
    }

    /// The active policy.
    public var policy: CompiledPolicy { current.withLock { $0 } }

    /// The decision for `request` under the active policy.
    public func evaluate(_ request: PolicyRequest) -> PolicyDecision {
        policy.evaluate(request)
    }

    /// Compiles the file at `path` and makes it active; on any error the previous policy
    /// stays active and the error (naming the line) is thrown. Returns the new policy.
    @discardableResult
    public func reload(contentsOf path: String) throws -> CompiledPolicy {
        let next = try CompiledPolicy(contentsOf: path)
        replace(with: next)
        return next
    }

    /// Makes `policy` active.
    public func replace(with policy: CompiledPolicy) {
        current.withLock { $0 = policy }
    }
}
