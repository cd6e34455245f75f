import BacklineCore
import BacklineCrypto
import Foundation
import Testing

@testable import BacklineAudit

@Suite struct AuditEntryTests {
    @Test func canonicalEncodingIsSortedCompactJSON() throws {
        let entry = try AuditEntry(
            time: "2026-12-03T14:05:52.123Z",
            spiffeID: "spiffe://fed/promoter/p1",
            role: "promoter",
            action: "submit_update",
            resource: "update:p1:r7",
            round: 7,
            decision: .allow,
            ruleID: "P1",
            policySHA256: AuditFixtures.policyHash,
            requestDigest: "",
            outcome: "ok"
        )
        let text = String(decoding: entry.canonicalBytes, as: UTF8.self)
        #expect(
            text
                == "{\"action\":\"submit_update\",\"decision\":\"allow\",\"outcome\":\"ok\",\"policy_sha256\":\"\(AuditFixtures.policyHash)\",\"request_digest\":\"\",\"resource\":\"update:p1:r7\",\"role\":\"promoter\",\"round\":7,\"rule_id\":\"P1\",\"spiffe_id\":\"spiffe://fed/promoter/p1\",\"time\":\"2026-12-03T14:05:52.123Z\"}"
        )
        #expect(try AuditEntry(canonicalBytes: entry.canonicalBytes) == entry)
        // Foundation's sorted-key encoder agrees, so other tools can reproduce the leaf data.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(Array(try encoder.encode(entry)) == entry.canonicalBytes)
    }

    @Test func leafHashIsTheRFC6962HashOfTheCanonicalBytes() throws {
        let entry = try AuditFixtures.entry(3)
        #expect(entry.leafHash == MerkleHasher.leafHash(entry.canonicalBytes))
        #expect(entry.leafHash == (try TreeHash(bytes: SHA256.hash([0] + entry.canonicalBytes))))
    }

    @Test func escapesAndLeadingZerosAreNotCanonical() throws {
        let line = String(decoding: try AuditFixtures.entry(12).canonicalBytes, as: UTF8.self)
        #expect(try AuditEntry(canonicalBytes: Array(line.utf8)) == (try AuditFixtures.entry(12)))
        for bad in [
            line.replacingOccurrences(of: "\"round\":1,", with: "\"round\":01,"),
            line.replacingOccurrences(of: "promoter", with: "promo\\u0074er"),
            line + " ", line.replacingOccurrences(of: "\"round\":1,", with: "\"round\":-1,"),
        ] {
            #expect(bad != line)
            #expect(throws: AuditError.self) { try AuditEntry(canonicalBytes: Array(bad.utf8)) }
        }
    }

    @Test(arguments: [
        "{\"action\": \"x\"}", "not json",
        "{\"action\":\"read_model\",\"decision\":\"allow\",\"outcome\":\"ok\",\"payload\":\"AAAA\",\"policy_sha256\":\"\(String(repeating: "ab", count: 32))\",\"request_digest\":\"\",\"resource\":\"model\",\"role\":\"promoter\",\"rule_id\":\"P2\",\"spiffe_id\":\"spiffe://fed/promoter/p1\",\"time\":\"2026-12-03T14:05:52.123Z\"}",
        "{\"decision\":\"allow\",\"action\":\"read_model\",\"outcome\":\"ok\",\"policy_sha256\":\"\(String(repeating: "ab", count: 32))\",\"request_digest\":\"\",\"resource\":\"model\",\"role\":\"promoter\",\"rule_id\":\"P2\",\"spiffe_id\":\"spiffe://fed/promoter/p1\",\"time\":\"2026-12-03T14:05:52.123Z\"}",
    ])
    func nonCanonicalOrForeignLinesAreRejected(_ line: String) {
        #expect(throws: AuditError.self) { try AuditEntry(canonicalBytes: Array(line.utf8)) }
    }

    @Test func badFieldsAreRejectedNamingTheField() {
        func make(
            time: String = "2026-12-03T14:05:52.123Z",
            spiffe: String = "spiffe://fed/promoter/p1",
            hash: String = AuditFixtures.policyHash,
            digest: String = "",
            round: Int? = 1
        ) throws -> AuditEntry {
            try AuditEntry(
                time: time,
                spiffeID: spiffe,
                role: "promoter",
                action: "read_model",
                resource: "model",
                round: round,
                decision: .allow,
                ruleID: "P2",
                policySHA256: hash,
                requestDigest: digest,
                outcome: "ok"
            )
        }
        for (bad, field) in [
            ({ try make(time: "2026-13-03T14:05:52.123Z") }, "time"), ({ try make(time: "yesterday") }, "time"),
            ({ try make(spiffe: "") }, "spiffe_id"), ({ try make(spiffe: "a\nb") }, "spiffe_id"),
            ({ try make(spiffe: String(repeating: "x", count: 600)) }, "spiffe_id"), ({ try make(spiffe: "q\"uote") }, "spiffe_id"),
            ({ try make(hash: "AB") }, "policy_sha256"), ({ try make(digest: "xyz") }, "request_digest"),
            ({ try make(round: -1) }, "round"),
        ] as [(() throws -> AuditEntry, String)] {
            do {
                _ = try bad()
                Issue.record("accepted a bad \(field)")
            } catch let error as AuditError {
                #expect(error.reason.contains(field))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func timestampsAreFixedWidthUTC() {
        #expect(AuditTime.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(AuditTime.string(from: Date(timeIntervalSince1970: 1_796_306_752.123)) == "2026-12-03T14:05:52.123Z")
        #expect(AuditTime.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(AuditTime.isValidBound("2026-12-03"))
        #expect(!AuditTime.isValidBound("2026-12"))
    }
}
