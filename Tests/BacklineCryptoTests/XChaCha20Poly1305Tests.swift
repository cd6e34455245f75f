import BacklineCore
import BacklineCrypto
import Testing

@Suite struct XChaCha20Poly1305Tests {
    struct Vector: Decodable {
        let name: String, key: String, nonce: String, additionalData: String, plaintext: String, ciphertext: String, tag: String
    }

    let vector: Vector
    let key: SymmetricKey
    let box: XChaCha20Poly1305.SealedBox

    init() throws {
        vector = try #require(try VectorFile<Vector>.load("xchacha20poly1305-draft03.json").first)
        key = try SymmetricKey(secureBytes: SecureBytes(Hex.bytes(vector.key)))
        box = try XChaCha20Poly1305.SealedBox(nonce: Hex.bytes(vector.nonce), ciphertext: Hex.bytes(vector.ciphertext + vector.tag))
    }

    @Test func sealWithTheDraftNonceGivesThePublishedCiphertextAndTag() throws {
        let sealed = try XChaCha20Poly1305.seal(
            Hex.bytes(vector.plaintext),
            key: key,
            nonce: Hex.bytes(vector.nonce),
            additionalData: Hex.bytes(vector.additionalData)
        )
        #expect(Hex.string(sealed.ciphertext) == vector.ciphertext + vector.tag)
    }

    @Test func publishedCiphertextOpens() throws {
        let plaintext = try XChaCha20Poly1305.open(box, key: key, additionalData: Hex.bytes(vector.additionalData))
        plaintext.withUnsafeBytes { #expect(Hex.string(Array($0)) == vector.plaintext) }
    }

    @Test func everyFlippedBitOfCiphertextOrTagFails() throws {
        let ad = Hex.bytes(vector.additionalData)
        for bit in 0..<(box.ciphertext.count * 8) {
            let altered = try XChaCha20Poly1305.SealedBox(nonce: box.nonce, ciphertext: flippingBit(box.ciphertext, bit))
            #expect(throws: CryptoError(code: .authenticationFailed, reason: ""), "bit \(bit)") {
                try XChaCha20Poly1305.open(altered, key: key, additionalData: ad)
            }
        }
    }

    @Test func flippedNonceOrAdditionalDataWrongKeyOrWrongLengthFails() throws {
        let ad = Hex.bytes(vector.additionalData)
        for bit in 0..<(box.nonce.count * 8) {
            let altered = try XChaCha20Poly1305.SealedBox(nonce: flippingBit(box.nonce, bit), ciphertext: box.ciphertext)
            #expect(throws: CryptoError(code: .authenticationFailed, reason: "")) {
                try XChaCha20Poly1305.open(altered, key: key, additionalData: ad)
            }
        }
        for bit in 0..<(ad.count * 8) {
            #expect(throws: CryptoError(code: .authenticationFailed, reason: "")) {
                try XChaCha20Poly1305.open(box, key: key, additionalData: flippingBit(ad, bit))
            }
        }
        #expect(throws: CryptoError(code: .authenticationFailed, reason: "")) { try XChaCha20Poly1305.open(box, key: key) }
        #expect(throws: CryptoError(code: .authenticationFailed, reason: "")) {
            try XChaCha20Poly1305.open(box, key: SymmetricKey(), additionalData: ad)
        }
        let cut = try XChaCha20Poly1305.SealedBox(nonce: box.nonce, ciphertext: Array(box.ciphertext.dropLast()))
        #expect(throws: CryptoError(code: .authenticationFailed, reason: "")) {
            try XChaCha20Poly1305.open(cut, key: key, additionalData: ad)
        }
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) {
            try XChaCha20Poly1305.SealedBox(nonce: Array(box.nonce.dropLast()), ciphertext: box.ciphertext)
        }
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) {
            try XChaCha20Poly1305.SealedBox(nonce: box.nonce, ciphertext: [1, 2, 3])
        }
    }

    @Test func randomNoncesMakeEverySealDifferent() throws {
        let a = try XChaCha20Poly1305.seal([1, 2, 3], key: key)
        let b = try XChaCha20Poly1305.seal([1, 2, 3], key: key)
        #expect(a.nonce != b.nonce && a.ciphertext != b.ciphertext)
        try XChaCha20Poly1305.open(b, key: key).withUnsafeBytes { #expect(Array($0) == [1, 2, 3]) }
        let empty = try XChaCha20Poly1305.seal([UInt8](), key: key, additionalData: [9])
        #expect(try XChaCha20Poly1305.open(empty, key: key, additionalData: [9]).count == 0)
    }
}
