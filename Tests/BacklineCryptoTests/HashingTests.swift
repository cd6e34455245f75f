import BacklineCore
import BacklineCrypto
import Testing

@Suite struct HashingTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        let name: String, message: String, digest: String
        var testDescription: String { name }
    }

    static let sha256: [Vector] = (try? VectorFile<Vector>.load("sha256-fips180.json")) ?? []
    static let blake2b: [Vector] = (try? VectorFile<Vector>.load("blake2b-512.json")) ?? []

    @Test func vectorFilesHoldTheKnownAnswers() {
        #expect(Self.sha256.count == 3)
        #expect(Self.blake2b.count == 2)
    }

    @Test(arguments: sha256) func sha256MatchesKnownAnswersOneShotAndInPieces(_ vector: Vector) {
        let message = Hex.bytes(vector.message)
        #expect(Hex.string(SHA256.hash(message)) == vector.digest)
        var hasher = SHA256.Hasher()
        for piece in stride(from: 0, to: message.count, by: 5) { hasher.update(message[piece..<min(piece + 5, message.count)]) }
        #expect(Hex.string(hasher.finalize()) == vector.digest)
    }

    @Test(arguments: blake2b) func blake2b512MatchesKnownAnswersOneShotAndInPieces(_ vector: Vector) throws {
        let message = Hex.bytes(vector.message)
        #expect(Hex.string(try BLAKE2b.hash(message, outputCount: 64)) == vector.digest)
        var hasher = try BLAKE2b.Hasher(outputCount: 64)
        for byte in message { hasher.update([byte]) }
        #expect(Hex.string(hasher.finalize()) == vector.digest)
    }

    @Test func incrementalBlake2bEqualsOneShotKeyedAndCopiesAreIndependent() throws {
        let key = SecureBytes([UInt8](repeating: 7, count: 32))
        let message = (0..<1000).map { UInt8($0 % 251) }
        var hasher = try BLAKE2b.Hasher(outputCount: 32, key: key)
        hasher.update(message[0..<300])
        var copy = hasher
        hasher.update(message[300...])
        #expect(hasher.finalize() == (try BLAKE2b.hash(message, outputCount: 32, key: key)))
        copy.update([1, 2, 3])
        #expect(copy.finalize() == (try BLAKE2b.hash(Array(message[0..<300]) + [1, 2, 3], outputCount: 32, key: key)))
        #expect(try BLAKE2b.hash(message, key: key) != (try BLAKE2b.hash(message)))
    }

    @Test func blake2bRefusesOutOfRangeLengths() {
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) { try BLAKE2b.Hasher(outputCount: 65) }
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) { try BLAKE2b.Hasher(outputCount: 32, key: SecureBytes([1, 2])) }
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) { try BLAKE2b.hash([1], outputCount: 8) }
    }
}
