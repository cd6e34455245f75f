internal import CBacklineShims
internal import COpenSSL

/// Builds and signs one X.509 v3 certificate with OpenSSL's C API.
struct CertificateBuilder {
    /// Subject common name (informative; identity lives in the URI SAN).
    var commonName: String
    /// Organisation: the federation's name.
    var organisation: String
    /// Lifetime in days from now (the start is back-dated five minutes for clock skew).
    var days: Int
    /// Extensions as (NID, OpenSSL v3 configuration value), e.g. (NID_key_usage, "critical,digitalSignature").
    var extensions: [(nid: Int32, value: String)]

    /// Signs a certificate for `subjectKey` with `issuerKey`; self-signed when `issuer` is nil.
    func sign(subjectKey: PrivateKeyHandle, issuer: CertificateHandle?, issuerKey: PrivateKeyHandle) throws -> CertificateHandle {
        OpenSSLErrorQueue.clear()
        guard let raw = X509_new() else { throw OpenSSLErrorQueue.error("X509_new") }
        let certificate = CertificateHandle(taking: raw)
        let x = certificate.pointer
        guard X509_set_version(x, 2) == 1 else { throw OpenSSLErrorQueue.error("X509_set_version") }
        try Self.setRandomSerial(x)
        guard X509_gmtime_adj(X509_getm_notBefore(x), -300) != nil,
            X509_time_adj_ex(X509_getm_notAfter(x), Int32(days), 0, nil) != nil
        else { throw OpenSSLErrorQueue.error("X509 validity") }
        guard let name = X509_NAME_new() else { throw OpenSSLErrorQueue.error("X509_NAME_new") }
        defer { X509_NAME_free(name) }
        for (field, value) in [("O", organisation), ("CN", commonName)] {
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1 else {
                throw OpenSSLErrorQueue.error("X509_NAME_add_entry_by_txt(\(field))")
            }
        }
        guard X509_set_subject_name(x, name) == 1,
            X509_set_issuer_name(x, issuer.map { X509_get_subject_name($0.pointer) } ?? name) == 1,
            X509_set_pubkey(x, subjectKey.pointer) == 1
        else { throw OpenSSLErrorQueue.error("X509 names and public key") }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? x, x, nil, nil, 0)
        for (nid, value) in extensions {
            guard let extensionPointer = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw OpenSSLErrorQueue.error("X509V3_EXT_conf_nid(\(nid), \(value))")
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            guard X509_add_ext(x, extensionPointer, -1) == 1 else { throw OpenSSLErrorQueue.error("X509_add_ext") }
        }
        guard X509_sign(x, issuerKey.pointer, EVP_sha256()) > 0 else { throw OpenSSLErrorQueue.error("X509_sign") }
        return certificate
    }

    /// A random positive 127-bit serial (RFC 5280: at most 20 octets, unpredictable).
    private static func setRandomSerial(_ x: OpaquePointer) throws {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw OpenSSLErrorQueue.error("RAND_bytes") }
        bytes[0] &= 0x7f
        bytes[0] |= 0x01
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw OpenSSLErrorQueue.error("BN_bin2bn") }
        defer { BN_free(number) }
        guard let serial = BN_to_ASN1_INTEGER(number, nil) else { throw OpenSSLErrorQueue.error("BN_to_ASN1_INTEGER") }
        defer { ASN1_INTEGER_free(serial) }
        guard X509_set_serialNumber(x, serial) == 1 else { throw OpenSSLErrorQueue.error("X509_set_serialNumber") }
    }
}
