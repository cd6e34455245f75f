public import BacklineCore
internal import COpenSSL
package import Foundation

/// The federation's certificate authority, kept in a Keys directory:
///
/// - `ca.cert.pem` — self-signed ECDSA P-256 CA, CA:TRUE pathlen:0, keyCertSign+cRLSign,
///   lifetime ``caLifetimeDays`` (5 years);
/// - `ca.key.pem` — PKCS#8, AES-256-CBC/PBKDF2-encrypted when a passphrase is given, always mode 0600;
/// - `<role>-<name>.cert.pem` / `.key.pem` — leaves with exactly one URI SAN
///   `spiffe://<federation>/<role>/<name>`, keyUsage digitalSignature, EKU serverAuth for the
///   aggregator (plus DNS:localhost and IP:127.0.0.1) and clientAuth for every other role;
///   default lifetime ``defaultLeafLifetimeDays``; leaf keys are unencrypted, mode 0600;
/// - `crl.pem` — v2 CRL, nextUpdate ``crlLifetimeDays`` after writing; rewritten on each revoke;
/// - `index.json` — every serial issued, with role, name, validity and revocation time.
///
/// All of it is built with OpenSSL's C API. One operator process at a time is assumed.
public struct FederationPKI: Sendable {
    /// The Keys directory.
    public let directory: String

    /// CA lifetime: 5 years.
    public static let caLifetimeDays = 1825
    /// Default leaf lifetime: 14 days (short, so revocation matters less than expiry).
    public static let defaultLeafLifetimeDays = 14
    /// Longest leaf lifetime `issue` accepts.
    public static let maximumLeafLifetimeDays = 90
    /// CRL validity: servers fail closed once nextUpdate has passed.
    public static let crlLifetimeDays = 7

    /// A PKI rooted at `directory`.
    public init(directory: String) { self.directory = directory }

    /// Path of the CA certificate.
    public var caCertificatePath: String { directory + "/ca.cert.pem" }
    /// Path of the CA private key.
    public var caKeyPath: String { directory + "/ca.key.pem" }
    /// Path of the CRL.
    public var crlPath: String { directory + "/crl.pem" }
    /// Path of the index.
    public var indexPath: String { directory + "/index.json" }
    /// Certificate path of `role`/`name`.
    public func certificatePath(role: PeerRole, name: String) -> String { directory + "/\(role.rawValue)-\(name).cert.pem" }
    /// Key path of `role`/`name`.
    public func keyPath(role: PeerRole, name: String) -> String { directory + "/\(role.rawValue)-\(name).key.pem" }

    /// Creates the CA, an empty index and an empty CRL. Refuses to overwrite an existing CA.
    /// - Parameters:
    ///   - federation: the trust domain (1–63 of a-z 0-9 . - _).
    ///   - passphrase: encrypts the CA key at rest; nil writes it unencrypted (still mode 0600).
    /// - Returns: the new index.
    @discardableResult
    public func initialize(federation: String, passphrase: SecureBytes?) throws -> PKIIndex {
        guard PeerIdentity.isValidTrustDomain(federation) else {
            throw TransportError.invalidArgument("federation", "'\(federation)' must be 1-63 of a-z 0-9 . - _")
        }
        guard !FileAccess.exists(caKeyPath), !FileAccess.exists(caCertificatePath) else {
            throw TransportError.pkiState(caCertificatePath, "a CA already exists; refusing to overwrite it")
        }
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let key = try PrivateKeyHandle.generateP256()
        let builder = CertificateBuilder(
            commonName: "Backline federation CA \(federation)",
            organisation: federation,
            days: Self.caLifetimeDays,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ]
        )
        let certificate = try builder.sign(subjectKey: key, issuer: nil, issuerKey: key)
        try key.write(path: caKeyPath, passphrase: passphrase)
        try AtomicFileWriter.write(try certificate.pem(), to: caCertificatePath, mode: 0o644)
        let index = PKIIndex(
            federation: federation,
            caKeyEncrypted: passphrase != nil,
            caSerial: certificate.serialHex,
            crlNumber: 0,
            entries: []
        )
        try writeIndex(index)
        try writeRevocationList(passphrase: passphrase)
        return try readIndex()
    }

    /// Issues a key pair and certificate for `role`/`name`, replacing any previous files for that
    /// identity (older serials stay in the index and can still be revoked).
    /// - Parameters:
    ///   - hosts: extra DNS names or IPv4 addresses for an aggregator's certificate (besides
    ///     localhost and 127.0.0.1), so curl and browsers verify it on a real host.
    /// - Returns: the index entry of the new certificate.
    @discardableResult
    public func issue(
        role: PeerRole,
        name: String,
        days: Int = defaultLeafLifetimeDays,
        hosts: [String] = [],
        passphrase: SecureBytes?
    ) throws -> PKIIndexEntry {
        guard hosts.isEmpty || role.isServer else {
            throw TransportError.invalidArgument("hosts", "only aggregator certificates carry host names")
        }
        guard (1...Self.maximumLeafLifetimeDays).contains(days) else {
            throw TransportError.invalidArgument("days", "must be 1...\(Self.maximumLeafLifetimeDays), got \(days)")
        }
        var index = try readIndex()
        let identity = try PeerIdentity(federation: index.federation, role: role, name: name)
        let (ca, caKey) = try loadAuthority(index: index, passphrase: passphrase)
        var subjectAlternativeName = "URI:\(identity.spiffeID)"
        if role.isServer {
            subjectAlternativeName += ",DNS:localhost,IP:127.0.0.1"
            for host in hosts { subjectAlternativeName += "," + (try Self.hostName(host)) }
        }
        let builder = CertificateBuilder(
            commonName: identity.spiffeID,
            organisation: index.federation,
            days: days,
            extensions: [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, role.isServer ? "serverAuth" : "clientAuth"),
                (NID_subject_alt_name, subjectAlternativeName),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ]
        )
        let key = try PrivateKeyHandle.generateP256()
        let certificate = try builder.sign(subjectKey: key, issuer: ca, issuerKey: caKey)
        try key.write(path: keyPath(role: role, name: name), passphrase: nil)
        try AtomicFileWriter.write(try certificate.pem(), to: certificatePath(role: role, name: name), mode: 0o644)
        let entry = PKIIndexEntry(
            serial: certificate.serialHex,
            role: role,
            name: name,
            spiffeID: identity.spiffeID,
            notBefore: certificate.notBefore,
            notAfter: certificate.notAfter,
            revokedAt: nil
        )
        index.entries.append(entry)
        try writeIndex(index)
        return entry
    }

    /// Revokes the certificates whose serials are `serials` (hex, case-insensitive), then rewrites the CRL.
    /// - Returns: the entries revoked now (already revoked ones are left as they were).
    @discardableResult
    public func revoke(serials: [String], passphrase: SecureBytes?) throws -> [PKIIndexEntry] {
        var index = try readIndex()
        var revoked: [PKIIndexEntry] = []
        for serial in serials {
            guard let position = index.entries.firstIndex(where: { $0.serial.caseInsensitiveCompare(serial) == .orderedSame }) else {
                throw TransportError.invalidArgument("serial", "'\(serial.prefix(50))' is not in \(indexPath)")
            }
            guard index.entries[position].revokedAt == nil else { continue }
            index.entries[position].revokedAt = Date()
            revoked.append(index.entries[position])
        }
        try writeIndex(index)
        try writeRevocationList(passphrase: passphrase)
        return revoked
    }

    /// `IP:a.b.c.d` or `DNS:name` for a host, refusing anything that could inject more SANs.
    private static func hostName(_ host: String) throws -> String {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) { return "IP:\(host)" }
        let allowed = host.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 46 }
        guard (1...253).contains(host.utf8.count), allowed, !host.hasPrefix("."), !host.hasPrefix("-") else {
            throw TransportError.invalidArgument("host", "'\(host.prefix(100))' is not a lower-case DNS name or dotted IPv4 address")
        }
        return "DNS:\(host)"
    }

    /// Serials of every unrevoked certificate issued to `role`/`name`.
    public func serials(role: PeerRole, name: String) throws -> [String] {
        try readIndex().entries.filter { $0.role == role && $0.name == name && $0.revokedAt == nil }.map(\.serial)
    }

    /// Writes a fresh CRL listing every revoked serial, valid for ``crlLifetimeDays``.
    public func writeRevocationList(passphrase: SecureBytes?) throws {
        let now = Date()
        try writeRevocationList(
            thisUpdate: now,
            nextUpdate: now.addingTimeInterval(TimeInterval(Self.crlLifetimeDays * 86_400)),
            passphrase: passphrase
        )
    }

    /// Writes a CRL with explicit update times (tests make stale CRLs with this).
    package func writeRevocationList(thisUpdate: Date, nextUpdate: Date, passphrase: SecureBytes?) throws {
        var index = try readIndex()
        let (ca, caKey) = try loadAuthority(index: index, passphrase: passphrase)
        index.crlNumber += 1
        let builder = RevocationListBuilder(
            revoked: index.entries.compactMap { entry in entry.revokedAt.map { (entry.serial, $0) } },
            number: index.crlNumber,
            thisUpdate: thisUpdate,
            nextUpdate: nextUpdate
        )
        try builder.write(path: crlPath, issuer: ca, issuerKey: caKey)
        try writeIndex(index)
    }

    /// The index as stored.
    public func readIndex() throws -> PKIIndex {
        guard FileAccess.exists(indexPath) else { throw TransportError.pkiState(indexPath, "no PKI here; run 'backline pki init' first") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(PKIIndex.self, from: Data(try FileAccess.readAll(indexPath)))
        } catch let error as DecodingError {
            throw TransportError(code: .pkiState, reason: "\(indexPath): not a valid index", underlying: error)
        }
    }

    private func writeIndex(_ index: PKIIndex) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFileWriter.write(Array(try encoder.encode(index)), to: indexPath, mode: 0o644)
    }

    private func loadAuthority(index: PKIIndex, passphrase: SecureBytes?) throws -> (CertificateHandle, PrivateKeyHandle) {
        if index.caKeyEncrypted && passphrase == nil {
            throw TransportError.pkiState(caKeyPath, "the CA key is encrypted; give its passphrase (--passphrase-env VAR)")
        }
        try FileAccess.requireOwnerOnly(caKeyPath)
        let certificate = try CertificateHandle.read(path: caCertificatePath)
        let key = try PrivateKeyHandle.read(path: caKeyPath, passphrase: index.caKeyEncrypted ? passphrase : nil)
        return (certificate, key)
    }
}
