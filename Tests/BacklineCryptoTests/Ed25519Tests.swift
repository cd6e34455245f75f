import BacklineCore
import BacklineCrypto
import Testing

@Suite struct Ed25519Tests {
    struct Vector: Decodable, CustomTestStringConvertible {
        let name: String, secretKey: String, publicKey: String, message: String, signature: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = (try? VectorFile<Vector>.load("ed25519-rfc8032.json")) ?? []

    @Test func vectorFileHoldsRFC8032Tests1To3TheLongMessageAndSHAabc() {
        #expect(Self.vectors.map(\.name) == ["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"])
        #expect(Self.vectors[3].message.count == 2046)
    }

    @Test(arguments: vectors) func signingMatchesThePublishedSignature(_ vector: Vector) throws {
        let key = try Ed25519.PrivateKey(seed: SecureBytes(Hex.bytes(vector.secretKey)))
        #expect(Hex.string(key.publicKey.rawRepresentation) == vector.publicKey)
        #expect(Hex.string(key.signature(for: Hex.bytes(vector.message))) == vector.signature)
    }

    @Test(arguments: vectors) func publishedSignatureVerifiesAndEveryTamperFails(_ vector: Vector) throws {
        let key = try Ed25519.PublicKey(rawRepresentation: Hex.bytes(vector.publicKey))
        let message = Hex.bytes(vector.message)
        let signature = Hex.bytes(vector.signature)
        #expect(key.isValidSignature(signature, for: message))
        for bit in stride(from: 0, to: signature.count * 8, by: 7) {
            #expect(!key.isValidSignature(flippingBit(signature, bit), for: message), "signature bit \(bit)")
        }
        if !message.isEmpty {
            #expect(!key.isValidSignature(signature, for: flippingBit(message, 0)))
        }
        #expect(!key.isValidSignature(signature, for: message + [0]))
        let otherKey = try Ed25519.PublicKey(rawRepresentation: Ed25519.PrivateKey().publicKey.rawRepresentation)
        #expect(!otherKey.isValidSignature(signature, for: message))
        #expect(!key.isValidSignature(Array(signature.dropLast()), for: message))
    }

    @Test func wrongLengthKeysAreRefused() {
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) {
            try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) {
            try Ed25519.PrivateKey(seed: SecureBytes([UInt8](repeating: 1, count: 33)))
        }
    }

    @Test func wipeZeroesTheSeed() throws {
        var key = try Ed25519.PrivateKey(seed: SecureBytes(Hex.bytes(Self.vectors[0].secretKey)))
        key.withUnsafeSeed { #expect($0.contains { $0 != 0 }) }
        key.wipe()
        key.withUnsafeSeed { #expect($0.allSatisfy { $0 == 0 }) }
    }
}
