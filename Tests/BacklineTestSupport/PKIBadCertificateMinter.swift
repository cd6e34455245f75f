import Foundation

/// Mints certificates the federation's own PKI refuses to make (expired, not yet valid, wrong
/// key usage, CA:TRUE leaves, several or no URI SANs, foreign trust domains, rogue CAs) with the
/// `openssl` binary, as an attacker or a broken tool would. Test support only.
public struct PKIBadCertificateMinter: Sendable {
    /// Scratch directory for keys, requests and the `openssl ca` database.
    public let workDirectory: String
    /// The signing CA's certificate.
    public let caCertificatePath: String
    /// The signing CA's unencrypted key.
    public let caKeyPath: String

    /// A minter signing with the CA at the given paths.
    public init(workDirectory: String, caCertificatePath: String, caKeyPath: String) throws {
        self.workDirectory = workDirectory
        self.caCertificatePath = caCertificatePath
        self.caKeyPath = caKeyPath
        try FileManager.default.createDirectory(atPath: workDirectory + "/newcerts", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: workDirectory + "/index.txt", contents: Data())
        try Data("1000\n".utf8).write(to: URL(fileURLWithPath: workDirectory + "/serial"))
        let config = """
            [ ca ]
            default_ca = minter
            [ minter ]
            database = \(workDirectory)/index.txt
            new_certs_dir = \(workDirectory)/newcerts
            serial = \(workDirectory)/serial
            default_md = sha256
            policy = anything
            unique_subject = no
            [ anything ]
            commonName = optional
            organizationName = optional

            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: workDirectory + "/ca.cnf"))
    }

    /// A client leaf signed by this CA with `extensions` (OpenSSL config lines such as
    /// `extendedKeyUsage = clientAuth`) and dates `YYYYMMDDHHMMSSZ` (default: valid now for 30 days).
    /// - Returns: paths of the certificate and its key.
    public func mint(
        name: String,
        extensions: [String],
        startDate: String? = nil,
        endDate: String? = nil
    ) throws -> (certificate: String, key: String) {
        let key = workDirectory + "/\(name).key.pem"
        let request = workDirectory + "/\(name).csr"
        let certificate = workDirectory + "/\(name).cert.pem"
        let extensionFile = workDirectory + "/\(name).ext"
        try Data(("[ leaf ]\n" + extensions.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: extensionFile))
        try check(
            PKIToolRunner.run(
                "openssl",
                [
                    "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", request,
                    "-subj", "/CN=\(name)",
                ]
            ),
            "openssl req"
        )
        var arguments = [
            "ca", "-batch", "-notext", "-config", workDirectory + "/ca.cnf", "-cert", caCertificatePath, "-keyfile", caKeyPath,
            "-in", request, "-out", certificate, "-extfile", extensionFile, "-extensions", "leaf",
        ]
        if let startDate { arguments += ["-startdate", startDate] }
        if let endDate { arguments += ["-enddate", endDate] } else { arguments += ["-days", "30"] }
        try check(PKIToolRunner.run("openssl", arguments), "openssl ca")
        return (certificate, key)
    }

    /// A self-signed rogue CA (same shape as the real one) and a minter signing with it.
    public func makeRogueAuthority(name: String) throws -> PKIBadCertificateMinter {
        let directory = workDirectory + "/\(name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = directory + "/ca.key.pem"
        let certificate = directory + "/ca.cert.pem"
        try check(
            PKIToolRunner.run(
                "openssl",
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate,
                    "-subj", "/CN=\(name)", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ]
            ),
            "openssl req -x509"
        )
        return try PKIBadCertificateMinter(workDirectory: directory, caCertificatePath: certificate, caKeyPath: key)
    }

    private func check(_ result: PKIToolRunner.Result, _ what: String) throws {
        guard result.status == 0 else {
            throw NSError(
                domain: "PKIBadCertificateMinter",
                code: Int(result.status),
                userInfo: [NSLocalizedDescriptionKey: "\(what) failed: \(result.standardError)"]
            )
        }
    }
}
