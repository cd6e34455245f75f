internal import BacklineCore
public import BacklineCrypto
internal import Foundation

/// A C2SP signed-note Ed25519 verifier key: name, 4-byte key ID and public key, written as
/// `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`.
public struct NoteVerifierKey: Sendable, Hashable {
    /// Signature type byte of Ed25519 in signed notes.
    static let ed25519Type: UInt8 = 0x01

    /// The key's name (no spaces, no `+`).
    public let name: String
    /// `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[0..<4]`.
    public let keyID: [UInt8]
    /// The Ed25519 public key.
    public let publicKey: Ed25519.PublicKey

    /// The key for `name` and `publicKey`; throws if the name is not a valid key name.
    public init(name: String, publicKey: Ed25519.PublicKey) throws {
        try Self.checkName(name)
        self.name = name
        self.publicKey = publicKey
        self.keyID = Self.keyID(name: name, publicKey: publicKey)
    }

    /// Parses a verifier key string; the key ID must match the name and key.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw AuditError.malformed("verifier key", "needs name+keyid+key, got \(parts.count) parts") }
        guard parts[1].count == 8, let id = Hex.decode(parts[1]) else {
            throw AuditError.malformed("verifier key", "key ID '\(parts[1].prefix(16))' is not 8 hex digits")
        }
        guard let raw = Data(base64Encoded: parts[2]), raw.count == 33, raw.first == Self.ed25519Type else {
            throw AuditError.malformed("verifier key", "key is not base64 of 0x01 followed by 32 bytes")
        }
        try self.init(name: parts[0], publicKey: try Ed25519.PublicKey(rawRepresentation: Array(raw.dropFirst())))
        guard keyID == id else { throw AuditError.malformed("verifier key", "key ID \(parts[1]) does not match name and key") }
    }

    /// The verifier key string.
    public var text: String {
        "\(name)+\(Hex.encode(keyID))+\(Data([Self.ed25519Type] + publicKey.rawRepresentation).base64EncodedString())"
    }

    /// The signed-note key ID of an Ed25519 key.
    public static func keyID(name: String, publicKey: Ed25519.PublicKey) -> [UInt8] {
        Array(SHA256.hash(Array(name.utf8) + [0x0A, ed25519Type] + publicKey.rawRepresentation).prefix(4))
    }

    /// Key names are non-empty and contain no Unicode whitespace and no `+`.
    static func checkName(_ name: String) throws {
        guard !name.isEmpty, !name.contains("+"),
            !name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f })
        else {
            throw AuditError.malformed("key name", "'\(name.prefix(60))' must be non-empty, without spaces or '+'")
        }
    }
}
