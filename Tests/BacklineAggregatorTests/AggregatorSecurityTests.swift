import BacklineAudit
import BacklineCore
import BacklineCrypto
import BacklineFederation
import BacklineModel
import BacklinePolicy
import BacklinePrivacy
import BacklineStore
import BacklineTransport
import Foundation
import Synchronization
import Testing

@testable import BacklineAggregator

/// The attacks of SECURITY-TESTS performed against the running aggregator, each checked for the
/// refusal, the audit entry, and that nothing was stored.
@Suite struct AggregatorSecurityTests {
    @Test func aPromoterPostingAnotherNodesUpdateIsRefusedAndAudited() async throws {  // item 29
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        let response = try await fixture.submit(try fixture.updateBody(round: round, node: "p2"), as: "p1", to: round)
        #expect(response.status == 403)
        #expect(AggregatorFixture.errorCode(response) == "impersonation_attempt")
        #expect(try fixture.store.updates(inRound: round).isEmpty)
        let entry = try #require(try fixture.auditEntries().last)
        #expect(entry.outcome == "impersonation_attempt")
        #expect(entry.spiffeID == "spiffe://fed.test/promoter/p1")
        #expect(entry.decision == .deny)
    }

    @Test func whenTheAuditLogCannotBeWrittenNothingIsDone() async throws {  // item 47
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        fixture.outage.isDown = true
        let submitted = try await fixture.submit(try fixture.updateBody(round: round, node: "p1"), as: "p1", to: round)
        #expect(submitted.status == 503)
        #expect(AggregatorFixture.errorCode(submitted) == "audit_unavailable")
        #expect(try fixture.store.updates(inRound: round).isEmpty)
        let model = try await fixture.promoter("p1").send(HTTPRequest(method: "GET", path: "/v1/models/latest"))
        #expect(model.status == 503)
        #expect(model.headers["X-Backline-Model-Version"] == nil)
        #expect(model.body != fixture.initialModel.bytes)
        fixture.outage.isDown = false
        #expect(try await fixture.submit(try fixture.updateBody(round: round, node: "p1"), as: "p1", to: round).status == 200)
        #expect(fixture.service.metrics.total("backline_audit_failures_total") == 2)
    }

    @Test func theSameUpdateGetsTheSameReceiptAndDifferentBytesAConflict() async throws {  // item 54, 74 (within a round)
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        struct Receipt: Decodable {
            let receipt_id: String
            let digest: String
        }
        let body = try fixture.updateBody(round: round, node: "p1", delta: 0.2)
        let first = try await fixture.submit(body, as: "p1", to: round)
        let again = try await fixture.submit(body, as: "p1", to: round)
        #expect(first.status == 200 && again.status == 200)
        #expect(try first.decodeJSON(Receipt.self).receipt_id == again.decodeJSON(Receipt.self).receipt_id)
        #expect(try first.decodeJSON(Receipt.self).digest == Hex.encode(SHA256.hash(body)))
        let other = try await fixture.submit(try fixture.updateBody(round: round, node: "p1", delta: 0.3), as: "p1", to: round)
        #expect(other.status == 409)
        #expect(AggregatorFixture.errorCode(other) == "conflict")
        #expect(try fixture.store.updates(inRound: round).map(\.digest) == [SHA256.hash(body)])
        #expect(try fixture.auditEntries().last?.outcome == "conflict")
    }

    /// Bad bodies: the byte surgery is done on a valid file so the encoder's own checks are bypassed.
    static let badBodies = [
        "nan", "inf", "wrong_shape", "garbage", "truncated", "huge_header", "negative_count", "missing_round", "weak_noise", "stale_model",
        "bad_model_hash", "f16_dtype",
    ]

    @Test(arguments: badBodies)
    func badUpdatesAreRejectedWithAStableCodeAndNoTrace(kind: String) async throws {  // items 59, 60, 63, 66
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        var body = try fixture.updateBody(round: round, node: "p1")
        let expected: (Int, String)
        switch kind {
        case "nan":
            body.replaceSubrange(body.count - 4..<body.count, with: [0x00, 0x00, 0xc0, 0x7f])
            expected = (422, "non_finite")
        case "inf":
            body.replaceSubrange(body.count - 4..<body.count, with: [0x00, 0x00, 0x80, 0x7f])
            expected = (422, "non_finite")
        case "wrong_shape":
            let parameters = try ParameterSet([("artist_factors", Tensor(shape: [2, 2], values: [0, 0, 0, 0]))])
            body = try UpdateEnvelope(round: round, node: "p1", sampleCount: 5, clipNorm: 1, noiseMultiplier: 1.1, parameters: parameters)
                .encoded()
            expected = (422, "shape")
        case "garbage":
            body = Array("not a tensor file at all".utf8)
            expected = (400, "malformed_update")
        case "truncated":
            body.removeLast(3)
            expected = (400, "malformed_update")
        case "huge_header":
            body.replaceSubrange(0..<8, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])
            expected = (400, "malformed_update")
        case "negative_count":
            body = try fixture.updateBody(round: round, node: "p1", sampleCount: -3)
            expected = (422, "count")
        case "missing_round":
            let parameters = try fixture.initialModel.parameters.unflattened([Float](repeating: 0, count: fixture.initialModel.shape.count))
            body = try SafeTensors.encode(
                parameters,
                metadata: ["node": "p1", "sample_count": "3", "clip_norm": "1", "noise_multiplier": "1.1"]
            )
            expected = (422, "invalid_metadata")
        case "stale_model":
            body = try fixture.updateBody(round: round, node: "p1", modelSHA256: String(repeating: "0", count: 64))
            expected = (422, "stale_model")
        case "f16_dtype":
            let header = Array("\"F32\"".utf8)
            let index = try #require((0..<body.count - header.count).first { Array(body[$0..<$0 + header.count]) == header })
            body.replaceSubrange(index..<index + header.count, with: Array("\"F16\"".utf8))
            expected = (400, "malformed_update")
        case "bad_model_hash":
            body = try fixture.updateBody(round: round, node: "p1", modelSHA256: "v1")
            expected = (422, "invalid_metadata")
        default:
            body = try fixture.updateBody(round: round, node: "p1", noiseMultiplier: 0.5)
            expected = (422, "privacy")
        }
        let response = try await fixture.submit(body, as: "p1", to: round)
        #expect(response.status == expected.0)
        #expect(AggregatorFixture.errorCode(response) == expected.1)
        let text = String(decoding: response.body, as: UTF8.self) + fixture.logLines.text
        for marker in ["Fatal error", "Stack", "backtrace", ".swift:"] {
            #expect(!text.contains(marker), "\(marker) in \(text.prefix(400))")
        }
        #expect(try fixture.store.updates(inRound: round).isEmpty)
        #expect(try fixture.auditEntries().last?.outcome == "rejected:\(expected.1)")
        #expect(fixture.service.metrics.exposition().contains("backline_rejections_total{reason=\"\(expected.1)\"} 1"))
    }

    @Test func anOversizedBodyIsRefusedBeforeItIsRead() async throws {  // item 64
        let fixture = try await AggregatorFixture.make(maxBodyBytes: 64 * 1024)
        let round = try await fixture.openRound()
        let response = try await fixture.submit([UInt8](repeating: 7, count: 4 * 1024 * 1024), as: "p1", to: round)
        #expect(response.status == 413)
        #expect(try fixture.store.updates(inRound: round).isEmpty)
    }

    @Test func anUpdateCapturedInOneRoundIsRefusedInTheNext() async throws {  // item 74
        let fixture = try await AggregatorFixture.make()
        let first = try await fixture.openRound()
        let captured = try fixture.updateBody(round: first, node: "p1")
        #expect(try await fixture.submit(captured, as: "p1", to: first).status == 200)
        #expect(try await fixture.close(first).status == 200)
        let second = try await fixture.openRound()
        let replayed = try await fixture.submit(captured, as: "p1", to: second)
        #expect(replayed.status == 409)
        #expect(AggregatorFixture.errorCode(replayed) == "round_mismatch")
        #expect(try fixture.store.updates(inRound: second).isEmpty)
        #expect(try fixture.auditEntries().last?.outcome == "round_mismatch")
    }

    @Test func aLateUpdateIsRefusedAsRoundClosed() async throws {  // item 52 (logic)
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        let acknowledged = try fixture.updateBody(round: round, node: "p1")
        let first = try await fixture.submit(acknowledged, as: "p1", to: round)
        #expect(try await fixture.close(round).status == 200)
        let late = try await fixture.submit(try fixture.updateBody(round: round, node: "p4"), as: "p4", to: round)
        #expect(late.status == 409)
        #expect(AggregatorFixture.errorCode(late) == "round_closed")
        #expect(try fixture.auditEntries().last?.decision == .deny)
        // p1's retry of its acknowledged update (first answer lost) gets the same receipt; nothing new is stored.
        struct Receipt: Decodable { let receipt_id: String }
        let retried = try await fixture.submit(acknowledged, as: "p1", to: round)
        #expect(retried.status == 200)
        #expect(try retried.decodeJSON(Receipt.self).receipt_id == first.decodeJSON(Receipt.self).receipt_id)
        #expect(try fixture.auditEntries().last?.outcome == "receipt_resent")
        let changed = try await fixture.submit(try fixture.updateBody(round: round, node: "p1", delta: 0.9), as: "p1", to: round)
        #expect(AggregatorFixture.errorCode(changed) == "round_closed")
        #expect(try fixture.store.updates(inRound: round).map(\.promoterID) == ["p1"])
    }

    @Test func aRoundPastItsDeadlineIsClosedByTheAggregatorClock() async throws {  // item 51/52 (deadline)
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound(#"{"deadline_seconds": 1}"#)
        let deadline = try #require(try fixture.store.round(round)?.deadline)
        while Date() <= deadline.addingTimeInterval(0.05) { try await Task.sleep(for: .milliseconds(50)) }
        let late = try await fixture.submit(try fixture.updateBody(round: round, node: "p2"), as: "p2", to: round)
        #expect(AggregatorFixture.errorCode(late) == "round_closed")
        await fixture.service.closeExpiredRounds()
        #expect(try fixture.store.round(round)?.state == .failed)
    }

    /// Who asks for a raw update: another promoter, an auditor, the owner itself, an operator.
    static let readers: [(role: String, name: String, owner: String)] = [
        ("promoter", "p1", "p2"), ("auditor", "aud", "p1"), ("promoter", "p1", "p1"), ("operator", "ops", "p1"),
    ]

    @Test(arguments: readers)
    func rawUpdatesAreNeverServedAndEveryAttemptIsAudited(role: String, name: String, owner: String) async throws {  // items 75, 76
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        #expect(try await fixture.submit(try fixture.updateBody(round: round, node: owner), as: owner, to: round).status == 200)
        let client = try fixture.client(PeerRole(role)!, name)
        let response = try await client.send(HTTPRequest(method: "GET", path: "/v1/rounds/\(round)/updates/\(owner)"))
        #expect(response.status == 403)
        #expect(AggregatorFixture.errorCode(response) == "raw_updates_never_served")
        #expect(!response.body.contains(0x00))  // no tensor bytes
        let entry = try #require(try fixture.auditEntries().last)
        #expect(entry.action == "read_update")
        #expect(entry.decision == .deny)
        #expect(entry.spiffeID == "spiffe://fed.test/\(role)/\(name)")
        if role == "auditor" { #expect(entry.ruleID == "D1") }
    }

    @Test func aRevokedPromoterCannotSubmitOrRead() async throws {  // item 75 (revoked certificate)
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        let body = try fixture.updateBody(round: round, node: "p1")
        try fixture.pki.revoke(serials: try fixture.pki.serials(role: .promoter, name: "p1"), passphrase: nil)
        let submitted = try? await fixture.submit(body, as: "p1", to: round)
        #expect(submitted == nil || submitted?.status != 200)
        let read = try? await fixture.promoter("p1").send(HTTPRequest(method: "GET", path: "/v1/models/latest"))
        #expect(read == nil || read?.status != 200)
        #expect(try fixture.store.updates(inRound: round).isEmpty)
        #expect(!(try fixture.auditEntries().contains { $0.spiffeID.hasSuffix("/p1") }))
        #expect(fixture.logLines.text.contains("TLS handshake refused"))
        // Another promoter is still served.
        #expect(try await fixture.submit(try fixture.updateBody(round: round, node: "p2"), as: "p2", to: round).status == 200)
    }

    @Test func rolesOnlyReachTheirOwnEndpoints() async throws {  // policy at the API (items 30, 35 at the edge)
        let fixture = try await AggregatorFixture.make()
        let cases: [(PeerRole, String, String, String, Int)] = [
            (.promoter, "p1", "GET", "/metrics", 403),
            (.operator, "ops", "GET", "/metrics", 200),
            (.auditor, "aud", "GET", "/v1/models/latest", 403),
            (.promoter, "p1", "GET", "/v1/audit/entries", 403),
            (.promoter, "p1", "POST", "/v1/rounds", 403),
            (.auditor, "aud", "GET", "/v1/audit/entries", 200),
            (.promoter, "p1", "GET", "/healthz", 200),
        ]
        for (role, name, method, path, status) in cases {
            let response = try await fixture.client(role, name).send(HTTPRequest(method: method, path: path), idempotent: false)
            #expect(response.status == status, "\(role) \(method) \(path)")
        }
        let entries = try fixture.auditEntries()
        #expect(entries.contains { $0.action == "read_metrics" && $0.decision == .deny && $0.role == "promoter" })
        #expect(entries.allSatisfy { $0.policySHA256.count == 64 })
        let metrics = try await fixture.operatorClient().send(HTTPRequest(method: "GET", path: "/metrics"))
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains("backline_policy_denials_total{action=\"read_metrics\"} 1"))
        #expect(text.contains("backline_request_duration_seconds_count{route=\"GET /metrics\"}"))
    }

    @Test func aPolicyReloadTakesEffectAndABrokenFileKeepsTheOldPolicy() async throws {  // items 34, 35 at the service
        let fixture = try await AggregatorFixture.make()
        let original = try String(contentsOfFile: fixture.policyFile, encoding: .utf8)
        let oldHash = fixture.service.policy.policy.sha256
        // Operators lose read_metrics.
        try original.replacingOccurrences(of: "allow O3: operator read_metrics on metrics\n", with: "")
            .write(toFile: fixture.policyFile, atomically: true, encoding: .utf8)
        let newHash = try fixture.service.reloadPolicy()
        #expect(newHash != oldHash)
        let denied = try await fixture.operatorClient().send(HTTPRequest(method: "GET", path: "/metrics"))
        #expect(denied.status == 403)
        #expect(try fixture.auditEntries().last?.policySHA256 == newHash)
        // A broken file is refused, naming the line; the previous policy stays active.
        try (original + "\nallow X9: operator fly on moon\n").write(toFile: fixture.policyFile, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try fixture.service.reloadPolicy() }
        #expect(fixture.service.policy.policy.sha256 == newHash)
    }

    @Test func auditorsGetCheckpointsAndProofsThatVerify() async throws {
        let fixture = try await AggregatorFixture.make()
        let round = try await fixture.openRound()
        #expect(try await fixture.submit(try fixture.updateBody(round: round, node: "p1"), as: "p1", to: round).status == 200)
        let auditor = try fixture.auditor()
        let note = try await auditor.send(HTTPRequest(method: "GET", path: "/v1/audit/checkpoint"))
        #expect(note.status == 200)
        let checkpoint = try CheckpointReader(origin: AggregatorFixture.origin, keys: [fixture.signer.verifierKey])
            .read(String(decoding: note.body, as: UTF8.self))
        #expect(checkpoint.size >= 2)
        let again = try await auditor.send(HTTPRequest(method: "GET", path: "/v1/audit/checkpoint"))
        let second = try CheckpointReader(origin: AggregatorFixture.origin, keys: [fixture.signer.verifierKey])
            .read(String(decoding: again.body, as: UTF8.self))
        #expect(second.size > checkpoint.size)  // the first request's own audit entry is now covered
        try MerkleProof.verifyConsistency(
            size1: checkpoint.size,
            size2: second.size,
            root1: checkpoint.root,
            root2: second.root,
            proof: try fixture.service.auditLog.consistencyProof(from: checkpoint.size, to: second.size)
        )
        let proof = try await auditor.send(HTTPRequest(method: "GET", path: "/v1/audit/proof", query: "index=1&size=\(checkpoint.size)"))
        struct Proof: Decodable {
            let leaf_hash: String
            let root: String
            let proof: [String]
        }
        let body = try proof.decodeJSON(Proof.self)
        #expect(body.root == checkpoint.root.hex)
        try MerkleProof.verifyInclusion(
            leafHash: try TreeHash(hex: body.leaf_hash),
            index: 1,
            treeSize: checkpoint.size,
            proof: try body.proof.map { try TreeHash(hex: $0) },
            root: checkpoint.root
        )
        let entries = try await auditor.send(HTTPRequest(method: "GET", path: "/v1/audit/entries", query: "action=submit_update"))
        struct Line: Decodable {
            let index: Int64
            let entry: AuditEntry
        }
        let lines = try entries.decodeJSON([Line].self)
        #expect(!lines.isEmpty && lines.allSatisfy { $0.entry.action == "submit_update" })
        let bad = try await auditor.send(HTTPRequest(method: "GET", path: "/v1/audit/proof", query: "index=5&size=2"))
        #expect(bad.status == 400)
    }
}
