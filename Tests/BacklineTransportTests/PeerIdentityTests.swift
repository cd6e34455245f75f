import BacklineTransport
import Foundation
import Testing

/// The identity policy applied to verified leaf certificates (item 23, as pure logic).
@Suite struct PeerIdentityTests {
    private static func facts(_ uris: [String], ca: Bool = false, sign: Bool = false) -> CertificateFacts {
        CertificateFacts(uriNames: uris, isCertificateAuthority: ca, canSignCertificates: sign)
    }

    @Test func acceptsOneSPIFFEIDInTheFederationWithAKnownRole() throws {
        let decision = PeerIdentity.judge(Self.facts(["spiffe://fed.test/promoter/p1"]), federation: "fed.test")
        #expect(decision == .accepted(try PeerIdentity(federation: "fed.test", role: .promoter, name: "p1")))
    }

    @Test(arguments: [
        (facts(["spiffe://fed.test/promoter/p1"], ca: true), "CA:TRUE"),
        (facts(["spiffe://fed.test/promoter/p1"], sign: true), "keyCertSign"),
        (facts([]), "0 URI SANs"),
        (facts(["spiffe://fed.test/promoter/p1", "spiffe://fed.test/promoter/p2"]), "2 URI SANs"),
        (facts(["spiffe://other/promoter/p1"]), "trust domain 'other'"),
        (facts(["spiffe://fed.test/root/p1"]), "unknown role 'root'"),
        (facts(["https://fed.test/promoter/p1"]), "not a SPIFFE ID"),
        (facts(["spiffe://fed.test/promoter/p1/extra"]), "not spiffe://"),
        (facts(["spiffe://fed.test/promoter/"]), "invalid name"),
        (facts(["spiffe://fed.test/promoter/P1"]), "invalid name"),
    ])
    func rejectsWithAReason(facts: CertificateFacts, reason: String) {
        guard case .rejected(let text) = PeerIdentity.judge(facts, federation: "fed.test") else {
            Issue.record("accepted \(facts)")
            return
        }
        #expect(text.contains(reason), "\(text)")
    }

    @Test func parsesAndPrintsSPIFFEIDs() throws {
        let identity = try #require(PeerIdentity(spiffeID: "spiffe://fed.test/auditor/a-1"))
        #expect(identity.role == .auditor)
        #expect(identity.spiffeID == "spiffe://fed.test/auditor/a-1")
        #expect(PeerIdentity(spiffeID: "spiffe://fed.test/auditor/a,1") == nil)
    }

    @Test func refusesNamesThatCouldInjectExtraSANs() {
        #expect(throws: TransportError.self) {
            _ = try PeerIdentity(federation: "fed.test", role: .promoter, name: "p1,URI:spiffe://fed.test/aggregator/main")
        }
    }
}

/// Identities read back from JSON are validated, and refusal reasons cannot forge log lines.
@Suite struct PeerIdentityDecodingTests {
    @Test func decodingValidatesTheSegments() throws {
        let good = #"{"federation":"fed.test","role":"promoter","name":"p1"}"#
        #expect(try JSONDecoder().decode(PeerIdentity.self, from: Data(good.utf8)).spiffeID == "spiffe://fed.test/promoter/p1")
        for bad in [
            #"{"federation":"fed.test","role":"promoter","name":"p1/../x"}"#, #"{"federation":"a b","role":"promoter","name":"p1"}"#,
            #"{"federation":"fed.test","role":"root","name":"p1"}"#,
        ] {
            #expect(throws: (any Error).self) { _ = try JSONDecoder().decode(PeerIdentity.self, from: Data(bad.utf8)) }
        }
    }

    @Test func rejectionReasonsEscapeControlCharacters() {
        let facts = CertificateFacts(
            uriNames: ["spiffe://fed.test/x\nFAKE LOG LINE/p1"],
            isCertificateAuthority: false,
            canSignCertificates: false
        )
        guard case .rejected(let reason) = PeerIdentity.judge(facts, federation: "fed.test") else {
            Issue.record("accepted")
            return
        }
        #expect(!reason.contains("\n"))
        #expect(reason.contains("\\u{a}"))
    }
}
