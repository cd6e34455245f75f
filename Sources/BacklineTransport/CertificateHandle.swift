internal import BacklineCore
internal import CBacklineShims
internal import COpenSSL
import Foundation

/// An OpenSSL X.509 certificate (`X509`), freed on release.
final class CertificateHandle {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    /// A new reference to `pointer` (the caller keeps its own).
    init(retaining pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.pointer = pointer
    }

    /// Reads the first certificate of a PEM file.
    static func read(path: String) throws -> CertificateHandle {
        let pem = try FileAccess.readAll(path)
        OpenSSLErrorQueue.clear()
        let bio = try pem.withUnsafeBytes { try MemoryBIO(bytes: $0) }
        guard let certificate = PEM_read_bio_X509(bio.pointer, nil, nil, nil) else {
            throw TransportError.pkiState(path, "not a PEM certificate: \(OpenSSLErrorQueue.drain().text)")
        }
        return CertificateHandle(taking: certificate)
    }

    /// The certificate as PEM text.
    func pem() throws -> [UInt8] {
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509(bio.pointer, pointer) == 1 else { throw OpenSSLErrorQueue.error("PEM_write_bio_X509") }
        return bio.bytes
    }

    /// The serial number in upper-case hex (as `openssl x509 -serial` prints it).
    var serialHex: String {
        guard let serial = X509_get_serialNumber(pointer), let number = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(number) }
        guard let hex = BN_bn2hex(number) else { return "" }
        defer { CBacklineShims_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    /// Start of validity.
    var notBefore: Date { Self.date(X509_get0_notBefore(pointer)) }
    /// End of validity.
    var notAfter: Date { Self.date(X509_get0_notAfter(pointer)) }

    /// The facts the identity policy judges: URI SANs, CA flag, keyCertSign.
    var identityFacts: CertificateFacts {
        CertificateFacts(
            uriNames: subjectAlternativeNames(type: GEN_URI),
            isCertificateAuthority: (X509_get_extension_flags(pointer) & UInt32(EXFLAG_CA)) != 0,
            canSignCertificates: (X509_get_key_usage(pointer) & UInt32(KU_KEY_CERT_SIGN)) != 0
        )
    }

    /// Every subject alternative name of GENERAL_NAME `type` (GEN_URI, GEN_DNS), as text.
    func subjectAlternativeNames(type: Int32) -> [String] {
        guard let raw = X509_get_ext_d2i(pointer, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { CBacklineShims_GENERAL_NAMES_free(names) }
        var result: [String] = []
        for index in 0..<CBacklineShims_sk_GENERAL_NAME_num(names) {
            guard let name = CBacklineShims_sk_GENERAL_NAME_value(names, index),
                CBacklineShims_GENERAL_NAME_type(name) == type,
                let ia5 = CBacklineShims_GENERAL_NAME_ia5(name)
            else { continue }
            let length = Int(ASN1_STRING_length(ia5))
            guard length >= 0, let data = ASN1_STRING_get0_data(ia5) else { continue }
            result.append(String(decoding: UnsafeBufferPointer(start: data, count: length), as: UTF8.self))
        }
        return result
    }

    /// An `ASN1_TIME` as a `Date` (distant past if unreadable, which fails every validity check).
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return .distantPast }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    deinit { X509_free(pointer) }
}
