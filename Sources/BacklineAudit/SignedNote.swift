internal import BacklineCrypto
internal import Foundation

/// A C2SP signed note: UTF-8 text ending in a newline, a blank line, then one or more lines
/// `— <key name> <base64(key ID[4] ‖ signature)>` (em dash U+2014).
public struct SignedNote: Sendable, Hashable {
    /// One signature line.
    public struct Signature: Sendable, Hashable {
        /// The signer's key name.
        public let name: String
        /// The 4-byte key ID.
        public let keyID: [UInt8]
        /// The signature bytes (64 for Ed25519).
        public let signature: [UInt8]
    }

    static let dash = "\u{2014}"
    static let maximumSignatures = 100

    /// The signed text (ends with a newline).
    public let text: String
    /// The signature lines, in order.
    public let signatures: [Signature]

    /// Parses a note; throws ``AuditError`` `malformed` for a missing blank line, a bad
    /// signature line (named by its number), or text with control characters.
    public init(parsing note: String) throws {
        guard note.hasSuffix("\n") else { throw AuditError.malformed("signed note", "does not end with a newline") }
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw AuditError.malformed("signed note", "no blank line before the signatures")
        }
        let text = String(note[..<split.lowerBound]) + "\n"
        try Self.checkText(text)
        let block = note[split.upperBound...].dropLast()
        var signatures: [Signature] = []
        for (number, line) in block.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let what = "signature line \(number + 1)"
            guard line.hasPrefix(Self.dash + " ") else { throw AuditError.malformed(what, "does not start with an em dash and a space") }
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2 else { throw AuditError.malformed(what, "needs a key name and a signature") }
            let name = String(fields[0])
            try NoteVerifierKey.checkName(name)
            guard let raw = Data(base64Encoded: String(fields[1])), raw.count > 4 else {
                throw AuditError.malformed(what, "signature is not base64 of key ID and signature")
            }
            signatures.append(Signature(name: name, keyID: Array(raw.prefix(4)), signature: Array(raw.dropFirst(4))))
        }
        guard !signatures.isEmpty else { throw AuditError.malformed("signed note", "has no signatures") }
        guard signatures.count <= Self.maximumSignatures else {
            throw AuditError.malformed("signed note", "has \(signatures.count) signatures, at most \(Self.maximumSignatures) allowed")
        }
        self.text = text
        self.signatures = signatures
    }

    /// Verifies the note against `keys`: signatures by unknown keys are ignored; a signature by
    /// a known key that does not verify rejects the note; at least one known key must verify.
    /// Returns the keys that verified.
    @discardableResult
    public func verify(keys: [NoteVerifierKey]) throws -> [NoteVerifierKey] {
        var verified: [NoteVerifierKey] = []
        let message = Array(text.utf8)
        for signature in signatures {
            guard let key = keys.first(where: { $0.name == signature.name && $0.keyID == signature.keyID }) else { continue }
            guard key.publicKey.isValidSignature(signature.signature, for: message) else {
                throw AuditError.signatureRejected("signature by known key \(key.name) does not verify")
            }
            if !verified.contains(key) { verified.append(key) }
        }
        guard !verified.isEmpty else {
            throw AuditError.signatureRejected(
                "no signature by a trusted key (signed by: \(signatures.map(\.name).joined(separator: ", ")))"
            )
        }
        return verified
    }

    /// Note text must be non-empty, end with a newline, and hold no control characters other
    /// than newline.
    static func checkText(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw AuditError.malformed("note text", "does not end with a newline") }
        if let bad = text.unicodeScalars.first(where: { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7f }) {
            throw AuditError.malformed("note text", "contains control character U+\(String(bad.value, radix: 16))")
        }
    }
}
