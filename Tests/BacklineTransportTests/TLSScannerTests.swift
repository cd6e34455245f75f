import BacklineTestSupport
import BacklineTransport
import Foundation
import Testing

/// SECURITY-TESTS item 25: outside scanners (Debian's sslscan and testssl.sh, installed for this)
/// see TLS 1.3 only and no renegotiation.
@Suite struct TLSScannerTests {
    @Test func sslscanWithClientCertificateSeesOnlyTLS13AndNoRenegotiation() throws {
        #expect(PKIToolRunner.isInstalled("sslscan"), "apt-get install sslscan")
        let fixture = try TransportFixture()
        let result = try PKIToolRunner.run(
            "sslscan",
            [
                "--no-colour", "--certs=\(fixture.promoter.certificate)", "--pk=\(fixture.promoter.key)", "127.0.0.1:\(fixture.port)",
            ],
            timeout: 60
        )
        let output = result.standardOutput
        #expect(output.contains("TLSv1.3   enabled"), "\(output)")
        for old in ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"] {
            #expect(output.contains("\(old)     disabled") || output.contains("\(old)   disabled"), "\(old) in \(output)")
        }
        #expect(output.contains("Session renegotiation not supported"), "\(output)")
    }

    @Test func testsslSeesOnlyTLS13AndNoRenegotiation() throws {
        #expect(PKIToolRunner.isInstalled("testssl"), "apt-get install testssl.sh")
        let fixture = try TransportFixture()
        let result = try PKIToolRunner.run(
            "testssl",
            [
                "--quiet", "--color", "0", "--warnings", "off", "--openssl-timeout", "5", "-p", "-R", "127.0.0.1:\(fixture.port)",
            ],
            timeout: 120
        )
        let output = result.standardOutput
        #expect(output.range(of: #"TLS 1\.3\s+offered"#, options: .regularExpression) != nil, "\(output)")
        for old in ["SSLv2", "SSLv3", "TLS 1 ", "TLS 1.1", "TLS 1.2"] {
            #expect(output.range(of: "\(old)\\s+not offered", options: .regularExpression) != nil, "\(old) in \(output)")
        }
        #expect(output.range(of: #"Secure Renegotiation.*(not vulnerable|not supported)"#, options: .regularExpression) != nil, "\(output)")
    }
}
