internal import BacklineCore
internal import CBacklineShims
internal import COpenSSL
import Foundation

/// Builds, signs and writes an X.509 v2 CRL with OpenSSL's C API.
struct RevocationListBuilder {
    /// Revoked serials (hex) and when they were revoked.
    var revoked: [(serialHex: String, date: Date)]
    /// The CRL number (monotonic).
    var number: Int
    /// thisUpdate.
    var thisUpdate: Date
    /// nextUpdate: after it, servers refuse every client until a fresh CRL is loaded.
    var nextUpdate: Date

    /// Signs with the CA key and writes PEM to `path` (mode 0644, atomically).
    func write(path: String, issuer: CertificateHandle, issuerKey: PrivateKeyHandle) throws {
        OpenSSLErrorQueue.clear()
        guard let crl = X509_CRL_new() else { throw OpenSSLErrorQueue.error("X509_CRL_new") }
        defer { X509_CRL_free(crl) }
        guard X509_CRL_set_version(crl, 1) == 1,
            X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.pointer)) == 1
        else { throw OpenSSLErrorQueue.error("X509_CRL issuer") }
        try Self.withTime(thisUpdate) { time in
            guard X509_CRL_set1_lastUpdate(crl, time) == 1 else { throw OpenSSLErrorQueue.error("X509_CRL_set1_lastUpdate") }
        }
        try Self.withTime(nextUpdate) { time in
            guard X509_CRL_set1_nextUpdate(crl, time) == 1 else { throw OpenSSLErrorQueue.error("X509_CRL_set1_nextUpdate") }
        }
        for entry in revoked {
            guard let item = X509_REVOKED_new() else { throw OpenSSLErrorQueue.error("X509_REVOKED_new") }
            do {
                try Self.withSerial(entry.serialHex) { serial in
                    guard X509_REVOKED_set_serialNumber(item, serial) == 1 else {
                        throw OpenSSLErrorQueue.error("X509_REVOKED_set_serialNumber")
                    }
                }
                try Self.withTime(entry.date) { time in
                    guard X509_REVOKED_set_revocationDate(item, time) == 1 else {
                        throw OpenSSLErrorQueue.error("X509_REVOKED_set_revocationDate")
                    }
                }
                guard X509_CRL_add0_revoked(crl, item) == 1 else { throw OpenSSLErrorQueue.error("X509_CRL_add0_revoked") }
            } catch {
                X509_REVOKED_free(item)
                throw error
            }
        }
        guard X509_CRL_sort(crl) == 1 else { throw OpenSSLErrorQueue.error("X509_CRL_sort") }
        guard let crlNumber = ASN1_INTEGER_new() else { throw OpenSSLErrorQueue.error("ASN1_INTEGER_new") }
        defer { ASN1_INTEGER_free(crlNumber) }
        guard ASN1_INTEGER_set(crlNumber, number) == 1,
            X509_CRL_add1_ext_i2d(crl, NID_crl_number, UnsafeMutableRawPointer(crlNumber), 0, 0) == 1
        else { throw OpenSSLErrorQueue.error("CRL number") }
        guard X509_CRL_sign(crl, issuerKey.pointer, EVP_sha256()) > 0 else { throw OpenSSLErrorQueue.error("X509_CRL_sign") }
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509_CRL(bio.pointer, crl) == 1 else { throw OpenSSLErrorQueue.error("PEM_write_bio_X509_CRL") }
        try AtomicFileWriter.write(bio.bytes, to: path, mode: 0o644)
    }

    private static func withTime(_ date: Date, _ body: (UnsafeMutablePointer<ASN1_TIME>) throws -> Void) throws {
        guard let time = ASN1_TIME_set(nil, time_t(date.timeIntervalSince1970)) else { throw OpenSSLErrorQueue.error("ASN1_TIME_set") }
        defer { ASN1_TIME_free(time) }
        try body(time)
    }

    private static func withSerial(_ hex: String, _ body: (UnsafeMutablePointer<ASN1_INTEGER>) throws -> Void) throws {
        guard !hex.isEmpty, hex.count <= 40, hex.allSatisfy(\.isHexDigit) else {
            throw TransportError.invalidArgument("serial", "'\(hex.prefix(50))' is not a hex serial number")
        }
        var number: OpaquePointer?
        guard BN_hex2bn(&number, hex) > 0, let number else { throw OpenSSLErrorQueue.error("BN_hex2bn") }
        defer { BN_free(number) }
        guard let serial = BN_to_ASN1_INTEGER(number, nil) else { throw OpenSSLErrorQueue.error("BN_to_ASN1_INTEGER") }
        defer { ASN1_INTEGER_free(serial) }
        try body(serial)
    }
}
