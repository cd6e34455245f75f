import BacklineTransport
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
