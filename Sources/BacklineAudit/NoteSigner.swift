public import BacklineCrypto
internal import Foundation

/// Signs C2SP signed notes with an Ed25519 key. The private key never leaves
/// ``Ed25519/PrivateKey``; only the verifier key is exported.
public struct NoteSigner: Sendable {
    /// The key's name (usually the log origin).
    public let name: String
    private let privateKey: Ed25519.PrivateKey
    /// The matching verifier key.
    public let verifierKey: NoteVerifierKey

    /// A signer named `name` using `privateKey`.
    public init(name: String, privateKey: Ed25519.PrivateKey) throws {
        self.name = name
        self.privateKey = privateKey
        self.verifierKey = try NoteVerifierKey(name: name, publicKey: privateKey.publicKey)
    }

    /// The signature line (`— name base64(keyID ‖ signature)`) for `text`, without newline.
    public func signatureLine(for text: String) throws -> String {
        try SignedNote.checkText(text)
        let signature = privateKey.signature(for: Array(text.utf8))
        return "\(SignedNote.dash) \(name) \(Data(verifierKey.keyID + signature).base64EncodedString())"
    }

    /// The complete signed note: `text`, a blank line, and this signer's signature line.
    public func sign(_ text: String) throws -> String {
        text + "\n" + (try signatureLine(for: text)) + "\n"
    }
}
