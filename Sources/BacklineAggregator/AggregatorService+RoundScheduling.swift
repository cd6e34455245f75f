import BacklineCore
import BacklinePolicy
import BacklineStore
import BacklineTransport
import Foundation
import Synchronization

extension AggregatorService {
    /// Closes and aggregates every round taking updates that holds its `target_clients` updates.
    /// Called after each stored update, on every tick of ``run()`` and at start-up (a process may
    /// have died between storing the last update and closing), so a reached target always closes.
    public func closeRoundsAtTarget() async {
        let coordinator = coordinator
        let due: [Int64]
        do { due = try await blocking { try coordinator.roundsAtTarget() } } catch {
            logger.error("checking rounds against their target failed", ["error": .public(String(describing: error))])
            return
        }
        for id in due {
            do {
                if try await close(round: id) != nil {
                    logger.info("round reached its target_clients and was closed", ["round": .public(String(id))])
                }
            } catch {
                logger.error(
                    "closing a round at its target failed",
                    ["round": .public(String(id)), "error": .public(String(describing: error))]
                )
            }
        }
    }

    /// With `auto_rounds` N: opens the next round with the default parameters when none is in
    /// progress and fewer than N exist, writing the aggregator's own `manage_round` decision to
    /// the audit log first (a deny, or a failed audit write, opens nothing; a deny is recorded
    /// once per policy, not on every tick). Replicas racing to
    /// open the same round are stopped by the store: at most one round is in progress.
    /// - Returns: the round opened, or nil.
    @discardableResult
    public func openAutoRoundIfDue() async -> Int64? {
        guard let limit = autoRounds else { return nil }
        let coordinator = coordinator
        let production = production
        do {
            guard try await blocking({ try coordinator.nextRoundIsDue(limit: limit) }) else { return nil }
            let subject = AuditRecorder.Subject(action: "manage_round", resourceType: "round", roundIsOpen: true, resource: "round:new")
            let decision = policy.evaluate(
                PolicyRequest(
                    role: identity.role.rawValue,
                    subject: identity.name,
                    action: subject.action,
                    resourceType: subject.resourceType,
                    roundIsOpen: true
                )
            )
            // A refusal is logged and audited once per policy, not on every tick.
            let repeated = !decision.allowed && autoRoundRefusedBy.withLock { $0 } == decision.policySHA256
            if !repeated {
                try await recorder.record(
                    spiffeID: identity.spiffeID,
                    role: identity.role.rawValue,
                    subject,
                    allowed: decision.allowed,
                    ruleID: decision.ruleID,
                    policySHA256: decision.policySHA256,
                    outcome: decision.allowed ? "auto_round" : "denied",
                    requestDigest: ""
                )
            }
            guard decision.allowed else {
                autoRoundRefusedBy.withLock { $0 = decision.policySHA256 }
                if !repeated {
                    logger.error("auto_rounds: the policy does not let the aggregator open a round", ["rule": .public(decision.ruleID)])
                }
                return nil
            }
            let round = try await blocking { try coordinator.openRound(production: production) }
            metrics.increment("backline_rounds_total", [("event", "opened")])
            logger.info("auto_rounds: round opened", ["round": .public(String(round.id)), "of": .public(String(limit))])
            return round.id
        } catch let error as StoreError where error.code == .conflict {
            return nil  // another replica opened it first
        } catch {
            logger.error("auto_rounds: opening the next round failed", ["error": .public(String(describing: error))])
            return nil
        }
    }
}
