internal import BacklineCore
internal import BacklineCrypto

/// A check value proving which KEK a manifest was written with: XChaCha20-Poly1305 over an empty
/// plaintext with additional data `"BKLV-KEK-CHECK" ‖ version (LE)`, stored as nonce ‖ tag.
/// Reveals nothing about the key; lets a wrong KEK be reported at open instead of as a failing file.
enum KEKCheck {
    /// Nonce 24 + tag 16.
    static let count = XChaCha20Poly1305.nonceCount + XChaCha20Poly1305.tagCount

    private static func additionalData(version: UInt32) -> [UInt8] {
        Array("BKLV-KEK-CHECK".utf8) + littleEndianBytes(version)
    }

    /// A fresh check value for `kek` at `version`, hex.
    static func make(kek: SymmetricKey, version: UInt32) throws -> String {
        let box = try XChaCha20Poly1305.seal([UInt8](), key: kek, additionalData: additionalData(version: version))
        return Hex.encode(box.nonce + box.ciphertext)
    }

    /// Whether `check` (hex) was made with `kek` at `version`.
    static func verify(_ check: String, kek: SymmetricKey, version: UInt32, path: String) throws -> Bool {
        let bytes = try Hex.decode(check, count: count, field: "kek.check", path: path)
        let box = try XChaCha20Poly1305.SealedBox(
            nonce: Array(bytes[0..<XChaCha20Poly1305.nonceCount]),
            ciphertext: Array(bytes[XChaCha20Poly1305.nonceCount...])
        )
        do {
            _ = try XChaCha20Poly1305.open(box, key: kek, additionalData: additionalData(version: version))
            return true
        } catch let error as CryptoError where error.code == .authenticationFailed {
            return false
        }
    }
}
