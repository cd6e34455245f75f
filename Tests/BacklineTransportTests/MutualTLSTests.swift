import BacklineCore
import BacklineTestSupport
import BacklineTransport
import Foundation
import Synchronization
import Testing

/// SECURITY-TESTS items 16–24 and 26–29, each performed with a real peer (`openssl s_client`,
/// `curl`, or our client) that reads application data after the handshake.
@Suite struct MutualTLSTests {
    @Test func validPromoterOverCurlSucceedsAndServerLogsSpiffeID() throws {
        let fixture = try TransportFixture()
        let result = try fixture.curl("/v1/whoami", credentials: fixture.promoter)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("\"spiffe_id\":\"spiffe://fed.test/promoter/p1\""))
        #expect(fixture.logEventually(contains: "peer authenticated peer=spiffe://fed.test/promoter/p1 alpn=http/1.1"))
    }

    @Test func sClientNegotiatesTLS13AndHTTP11() throws {
        let fixture = try TransportFixture()
        let result = try fixture.sClient(credentials: fixture.promoter)
        #expect(result.combined.contains("Protocol  : TLSv1.3") || result.combined.contains("TLSv1.3"))
        #expect(result.combined.contains("ALPN protocol: http/1.1"))
        #expect(result.standardOutput.contains("HTTP/1.1 200 OK"))
    }

    @Test func tls12ClientGetsProtocolVersionAlert() throws {
        let fixture = try TransportFixture()
        let result = try fixture.sClient(credentials: fixture.promoter, extra: ["-tls1_2", "-alpn", "http/1.1"])
        #expect(result.combined.contains("alert number 70"), "\(result.combined)")
        #expect(!result.standardOutput.contains("HTTP/1.1 200"))
    }

    @Test func clientWithoutCertificateGetsAlert116OnFirstRead() throws {
        let fixture = try TransportFixture()
        let result = try fixture.sClient(credentials: nil)
        #expect(result.combined.contains("alert number 116"), "\(result.combined)")
        #expect(!result.standardOutput.contains("HTTP/1.1 200"))
    }

    @Test func rogueCertificateWithSameSANGetsUnknownCA() throws {
        let fixture = try TransportFixture()
        let rogue = try fixture.makeMinter().makeRogueAuthority(name: "rogue")
        let leaf = try rogue.mint(
            name: "p1-rogue",
            extensions: [
                "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature", "extendedKeyUsage = clientAuth",
                "subjectAltName = URI:spiffe://fed.test/promoter/p1",
            ]
        )
        let result = try fixture.sClient(credentials: leaf)
        #expect(result.combined.contains("alert number 48"), "\(result.combined)")
        #expect(!result.standardOutput.contains("HTTP/1.1 200"))
    }

    @Test func selfSignedCertificateWithSameSANGetsUnknownCA() throws {
        let fixture = try TransportFixture()
        let key = fixture.directory.file("self.key")
        let certificate = fixture.directory.file("self.pem")
        let made = try PKIToolRunner.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate,
                "-subj", "/CN=p1", "-days", "5", "-addext", "subjectAltName=URI:spiffe://fed.test/promoter/p1",
                "-addext", "extendedKeyUsage=clientAuth",
            ]
        )
        #expect(made.status == 0)
        let result = try fixture.sClient(credentials: (certificate, key))
        #expect(result.combined.contains("alert number 48"), "\(result.combined)")
    }

    @Test func expiredCertificateGetsAlert45() throws {
        let fixture = try TransportFixture()
        let leaf = try fixture.makeMinter().mint(
            name: "expired",
            extensions: Self.promoterExtensions(),
            startDate: "20200101000000Z",
            endDate: "20200201000000Z"
        )
        let result = try fixture.sClient(credentials: leaf)
        #expect(result.combined.contains("alert number 45"), "\(result.combined)")
        #expect(!result.standardOutput.contains("HTTP/1.1 200"))
    }

    @Test func notYetValidCertificateIsRejected() throws {
        let fixture = try TransportFixture()
        let leaf = try fixture.makeMinter().mint(
            name: "future",
            extensions: Self.promoterExtensions(),
            startDate: "20400101000000Z",
            endDate: "20400201000000Z"
        )
        let result = try fixture.sClient(credentials: leaf)
        #expect(result.combined.contains("alert number"), "\(result.combined)")
        #expect(!result.standardOutput.contains("HTTP/1.1 200"))
    }

    @Test func revokedSerialGetsAlert44AfterCRLReload() throws {
        let fixture = try TransportFixture()
        #expect(try fixture.sClient(credentials: fixture.promoter).standardOutput.contains("HTTP/1.1 200"))
        try fixture.pki.revoke(serials: try fixture.pki.serials(role: .promoter, name: "p1"), passphrase: nil)
        let result = try fixture.sClient(credentials: fixture.promoter)
        #expect(result.combined.contains("alert number 44"), "\(result.combined)")
        #expect(!result.standardOutput.contains("HTTP/1.1 200"))
    }

    @Test func missingCRLFailsClosed() throws {
        let fixture = try TransportFixture()
        try FileManager.default.removeItem(atPath: fixture.pki.crlPath)
        let result = try fixture.sClient(credentials: fixture.promoter)
        #expect(result.combined.contains("alert number"), "\(result.combined)")
        #expect(!result.standardOutput.contains("HTTP/1.1 200"))
        #expect(fixture.logEventually(contains: "CRL unreadable"))
    }

    @Test func crlPastNextUpdateFailsClosed() throws {
        let fixture = try TransportFixture()
        let now = Date()
        try fixture.pki.writeRevocationList(
            thisUpdate: now.addingTimeInterval(-7200),
            nextUpdate: now.addingTimeInterval(-3600),
            passphrase: nil
        )
        let result = try fixture.sClient(credentials: fixture.promoter)
        #expect(result.combined.contains("alert number"), "\(result.combined)")
        #expect(!result.standardOutput.contains("HTTP/1.1 200"))
    }

    @Test func serverAuthOnlyClientCertificateGetsAlert43() throws {
        let fixture = try TransportFixture()
        let leaf = try fixture.makeMinter().mint(
            name: "server-eku",
            extensions: [
                "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature", "extendedKeyUsage = serverAuth",
                "subjectAltName = URI:spiffe://fed.test/promoter/p1",
            ]
        )
        let result = try fixture.sClient(credentials: leaf)
        #expect(result.combined.contains("alert number 43"), "\(result.combined)")
    }

    /// Item 23: certificates the chain accepts but the identity policy must refuse, with the logged reason.
    @Test(arguments: [
        (
            [
                "basicConstraints = critical,CA:TRUE", "keyUsage = critical,digitalSignature", "extendedKeyUsage = clientAuth",
                "subjectAltName = URI:spiffe://fed.test/promoter/p1",
            ], "CA:TRUE"
        ),
        (
            [
                "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature,keyCertSign", "extendedKeyUsage = clientAuth",
                "subjectAltName = URI:spiffe://fed.test/promoter/p1",
            ], "keyCertSign"
        ),
        (
            [
                "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature", "extendedKeyUsage = clientAuth",
                "subjectAltName = URI:spiffe://fed.test/promoter/p1,URI:spiffe://fed.test/promoter/p2",
            ], "2 URI SANs"
        ),
        (
            [
                "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature", "extendedKeyUsage = clientAuth",
                "subjectAltName = DNS:p1.example",
            ], "0 URI SANs"
        ),
        (
            [
                "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature", "extendedKeyUsage = clientAuth",
                "subjectAltName = URI:spiffe://other.fed/promoter/p1",
            ], "trust domain 'other.fed'"
        ),
        (
            [
                "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature", "extendedKeyUsage = clientAuth",
                "subjectAltName = URI:spiffe://fed.test/superuser/p1",
            ], "unknown role 'superuser'"
        ),
    ])
    func identityPolicyRejectsAndLogsWhy(extensions: [String], reason: String) throws {
        let fixture = try TransportFixture()
        let leaf = try fixture.makeMinter().mint(name: "bad", extensions: extensions)
        let result = try fixture.sClient(credentials: leaf)
        #expect(!result.standardOutput.contains("HTTP/1.1 200"), "\(result.combined)")
        #expect(fixture.logEventually(contains: "peer certificate rejected reason="), "\(fixture.log)")
        #expect(fixture.log.contains(reason), "\(fixture.log)")
    }

    @Test func clientOfferingOnlyH2GetsAlert120() throws {
        let fixture = try TransportFixture()
        let result = try fixture.sClient(credentials: fixture.promoter, extra: ["-alpn", "h2"])
        #expect(result.combined.contains("alert number 120"), "\(result.combined)")
    }

    /// Items 26 and 27: no session tickets are issued, so nothing can be resumed, early data has
    /// nothing to ride on, and a revoked certificate is checked again on the next connection.
    @Test func noResumptionNoEarlyDataAndRevocationRecheckedOnReconnect() throws {
        let fixture = try TransportFixture()
        let session = fixture.directory.file("session.pem")
        let count = "POST /v1/count HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        let first = try fixture.sClient(credentials: fixture.promoter, extra: ["-alpn", "http/1.1", "-sess_out", session], request: count)
        #expect(first.standardOutput.contains("HTTP/1.1 200"))
        #expect(!first.combined.contains("New Session Ticket"), "server issued a session ticket")
        // s_client saves a session only if the server gave it something to resume with.
        let sessionSaved = FileManager.default.fileExists(atPath: session)
        #expect(!sessionSaved, "a resumable session was handed out")
        if sessionSaved {
            try Data(count.utf8).write(to: URL(fileURLWithPath: fixture.directory.file("early.txt")))
            let early = try fixture.sClient(
                credentials: fixture.promoter,
                extra: ["-alpn", "http/1.1", "-sess_in", session, "-early_data", fixture.directory.file("early.txt")],
                request: ""
            )
            #expect(!early.combined.contains("Early data was accepted"))
        }
        #expect(fixture.executions.withLock { $0 } == 1, "the request ran more than once")
        try fixture.pki.revoke(serials: try fixture.pki.serials(role: .promoter, name: "p1"), passphrase: nil)
        let again = try fixture.sClient(
            credentials: fixture.promoter,
            extra: ["-alpn", "http/1.1"] + (sessionSaved ? ["-sess_in", session] : []),
            request: count
        )
        #expect(!again.combined.contains("Reused, TLSv1.3"))
        #expect(again.combined.contains("alert number 44"), "\(again.combined)")
        #expect(fixture.executions.withLock { $0 } == 1)
    }

    @Test func clientRefusesAggregatorWithWrongSPIFFEID() throws {
        let fixture = try TransportFixture()
        try fixture.pki.issue(role: .promoter, name: "p2", passphrase: nil)
        let client = try fixture.client(server: "other")
        #expect {
            _ = try client.perform(HTTPRequest(method: "GET", path: "/v1/whoami"))
        } throws: { error in
            (error as? TransportError)?.code == .peerRejected
        }
        #expect(try fixture.client(server: "main").perform(HTTPRequest(method: "GET", path: "/v1/whoami")).status == 200)
    }

    @Test func clientRefusesAggregatorFromForeignCA() throws {
        let fixture = try TransportFixture()
        let foreign = try TemporaryDirectory(prefix: "backline-foreign")
        let other = FederationPKI(directory: foreign.file("Keys"))
        try other.initialize(federation: TransportFixture.federation, passphrase: nil)
        try other.issue(role: .promoter, name: "p1", passphrase: nil)
        let client = try HTTPClient(
            configuration: .make(port: fixture.port),
            tls: try .makeClient(pki: other, role: .promoter, name: "p1", server: "main"),
            logger: Logger(label: "test", minimumLevel: .error) { _ in }
        )
        #expect {
            _ = try client.perform(HTTPRequest(method: "GET", path: "/v1/whoami"))
        } throws: { error in
            (error as? TransportError)?.code == .handshakeFailed
        }
    }

    @Test func ourClientSeesTheAlertWhenServerRefusesItsRevokedCertificate() throws {
        let fixture = try TransportFixture()
        try fixture.pki.revoke(serials: try fixture.pki.serials(role: .promoter, name: "p1"), passphrase: nil)
        let client = try fixture.client()
        #expect {
            _ = try client.perform(HTTPRequest(method: "GET", path: "/v1/whoami"))
        } throws: { error in
            (error as? TransportError)?.tlsAlert == 44
        }
    }

    /// Item 29: the handler sees the certificate's identity and refuses a body naming someone else.
    @Test func handlerSeesPeerIdentityAndRefusesImpersonation() throws {
        let audit = AuditRecorder()
        let fixture = try TransportFixture { router in
            router.add("POST", "/v1/rounds/{round}/updates") { request, peer in
                struct Update: Decodable { let node: String }
                let update = try JSONDecoder().decode(Update.self, from: Data(request.body))
                guard update.node == peer.name, peer.role == .promoter else {
                    audit.record("impersonation_attempt peer=\(peer.spiffeID) claimed=\(update.node)")
                    throw HTTPError(status: 403, code: "impersonation_attempt", message: "certificate does not match the node in the body")
                }
                return try .json(["accepted_from": peer.spiffeID])
            }
        }
        let client = try fixture.client()
        let honest = try client.perform(HTTPRequest(method: "POST", path: "/v1/rounds/1/updates", body: Array(#"{"node":"p1"}"#.utf8)))
        #expect(honest.status == 200)
        #expect(String(decoding: honest.body, as: UTF8.self).contains("spiffe://fed.test/promoter/p1"))
        let forged = try client.perform(HTTPRequest(method: "POST", path: "/v1/rounds/1/updates", body: Array(#"{"node":"p2"}"#.utf8)))
        #expect(forged.status == 403)
        #expect(String(decoding: forged.body, as: UTF8.self).contains("\"code\":\"impersonation_attempt\""))
        #expect(audit.entries == ["impersonation_attempt peer=spiffe://fed.test/promoter/p1 claimed=p2"])
    }

    static func promoterExtensions() -> [String] {
        [
            "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature", "extendedKeyUsage = clientAuth",
            "subjectAltName = URI:spiffe://fed.test/promoter/p1",
        ]
    }
}

/// Stands in for the audit log in item 29 (the audit module is not a dependency of transport).
final class AuditRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    func record(_ line: String) { lines.withLock { $0.append(line) } }
    var entries: [String] { lines.withLock { $0 } }
}
