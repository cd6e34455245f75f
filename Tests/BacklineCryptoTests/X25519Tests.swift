import BacklineCore
import BacklineCrypto
import Testing

@Suite struct X25519Tests {
    struct ScalarVector: Decodable, CustomTestStringConvertible {
        let name: String, scalar: String, uCoordinate: String, output: String
        var testDescription: String { name }
    }
    struct IteratedVector: Decodable { let name: String, iterations: Int, output: String }
    struct DHVector: Decodable { let alicePrivate: String, alicePublic: String, bobPrivate: String, bobPublic: String, shared: String }

    static let scalarVectors: [ScalarVector] = (try? VectorFile<ScalarVector>.load("x25519-rfc7748-scalarmult.json")) ?? []

    @Test func vectorFilesAreThere() throws {
        #expect(Self.scalarVectors.count == 2)
        #expect(try VectorFile<IteratedVector>.load("x25519-rfc7748-iterated.json").map(\.iterations) == [1, 1000])
    }

    @Test(arguments: scalarVectors) func scalarMultiplicationMatchesRFC7748(_ vector: ScalarVector) throws {
        let key = try X25519.PrivateKey(rawRepresentation: SecureBytes(Hex.bytes(vector.scalar)))
        let shared = try key.sharedSecret(with: X25519.PublicKey(rawRepresentation: Hex.bytes(vector.uCoordinate)))
        shared.withUnsafeBytes { #expect(Hex.string(Array($0)) == vector.output) }
    }

    @Test func iteratedVectorsMatchRFC7748() throws {
        var k = [UInt8](repeating: 0, count: 32)
        k[0] = 9
        var u = k
        var done = 0
        for vector in try VectorFile<IteratedVector>.load("x25519-rfc7748-iterated.json") {
            while done < vector.iterations {
                let result = try X25519.PrivateKey(rawRepresentation: SecureBytes(k)).sharedSecret(
                    with: X25519.PublicKey(rawRepresentation: u)
                )
                u = k
                k = result.withUnsafeBytes { Array($0) }
                done += 1
            }
            #expect(Hex.string(k) == vector.output, "after \(vector.iterations) iterations")
        }
    }

    @Test func diffieHellmanMatchesRFC7748Section6() throws {
        let vector = try #require(try VectorFile<DHVector>.load("x25519-rfc7748-dh.json").first)
        let alice = try X25519.PrivateKey(rawRepresentation: SecureBytes(Hex.bytes(vector.alicePrivate)))
        let bob = try X25519.PrivateKey(rawRepresentation: SecureBytes(Hex.bytes(vector.bobPrivate)))
        #expect(Hex.string(alice.publicKey.rawRepresentation) == vector.alicePublic)
        #expect(Hex.string(bob.publicKey.rawRepresentation) == vector.bobPublic)
        let k1 = try alice.sharedSecret(with: bob.publicKey)
        let k2 = try bob.sharedSecret(with: alice.publicKey)
        k1.withUnsafeBytes { #expect(Hex.string(Array($0)) == vector.shared) }
        #expect(k1 == k2)
    }

    @Test func lowOrderPeerKeyIsRefused() throws {
        let key = X25519.PrivateKey()
        #expect(throws: CryptoError(code: .weakPublicKey, reason: "")) {
            try key.sharedSecret(with: X25519.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32)))
        }
    }

    @Test func wrongLengthsAreRefusedAndWipeZeroes() throws {
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) { try X25519.PublicKey(rawRepresentation: [1, 2, 3]) }
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) { try X25519.PrivateKey(rawRepresentation: SecureBytes([1, 2, 3])) }
        var key = X25519.PrivateKey()
        key.wipe()
        key.withUnsafeBytes { #expect($0.count == 32 && $0.allSatisfy { $0 == 0 }) }
        #expect(!"\(key)".contains("SecureBytes") && "\(key)".hasPrefix("X25519.PrivateKey(public:"))
    }
}
