import BacklineCore
import BacklineCrypto
import Testing

@Suite struct KeyDerivationTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        let name: String, masterKey: String, context: String, subkeyID: UInt64, subkeyCount: Int, subkey: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = (try? VectorFile<Vector>.load("kdf-blake2b-golden.json")) ?? []

    @Test func goldenFileIsThere() { #expect(Self.vectors.count == 5) }

    @Test(arguments: vectors) func subkeyMatchesThePinnedGolden(_ vector: Vector) throws {
        let master = try SymmetricKey(secureBytes: SecureBytes(Hex.bytes(vector.masterKey)))
        let subkey = try KeyDerivation.deriveSubkey(
            from: master,
            id: vector.subkeyID,
            context: KeyDerivation.Context(vector.context),
            count: vector.subkeyCount
        )
        subkey.withUnsafeBytes { #expect(Hex.string(Array($0)) == vector.subkey) }
    }

    @Test func otherContextOrIdGivesAnotherKey() throws {
        let master = SymmetricKey()
        let base = try KeyDerivation.deriveSubkey(from: master, id: 1, context: .init("BKLVwrap"))
        #expect(base != (try KeyDerivation.deriveSubkey(from: master, id: 2, context: .init("BKLVwrap"))))
        #expect(base != (try KeyDerivation.deriveSubkey(from: master, id: 1, context: .init("BKLVwraq"))))
        #expect(base != (try KeyDerivation.deriveSubkey(from: SymmetricKey(), id: 1, context: .init("BKLVwrap"))))
        #expect(base == (try KeyDerivation.deriveSubkey(from: master, id: 1, context: .init("BKLVwrap"))))
    }

    @Test(arguments: ["", "short", "ninechars", "caf\u{e9}abc"]) func contextMustBeEightASCIICharacters(_ text: String) {
        #expect(throws: CryptoError(code: .invalidParameter, reason: "")) { try KeyDerivation.Context(text) }
    }

    @Test(arguments: [0, 15, 65]) func subkeyLengthOutside16To64IsRefused(_ count: Int) {
        #expect(throws: CryptoError(code: .invalidParameter, reason: "")) {
            try KeyDerivation.deriveSubkey(from: SymmetricKey(), id: 1, context: .init("BKLVtest"), count: count)
        }
    }
}
