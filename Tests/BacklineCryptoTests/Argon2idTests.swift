import BacklineCore
import BacklineCrypto
import Testing

@Suite struct Argon2idTests {
    let passphrase = SecureBytes(Array("correct horse battery staple".utf8))

    func deriveBlocking(_ salt: [UInt8]) throws -> SymmetricKey {
        try Argon2id.deriveKey(from: passphrase, salt: salt, parameters: .interactive, policy: .interactive)
    }

    @Test func sameInputsGiveTheSameKeyOnTheExecutorAndAnotherSaltAnotherKey() async throws {
        let salt = Argon2id.makeSalt()
        let a = try deriveBlocking(salt)
        let b = try await Argon2id.deriveKey(from: passphrase, salt: salt, parameters: .interactive, policy: .interactive)
        let c = try deriveBlocking(Argon2id.makeSalt())
        a.withUnsafeBytes { ab in b.withUnsafeBytes { bb in #expect(Array(ab) == Array(bb)) } }
        a.withUnsafeBytes { ab in c.withUnsafeBytes { cb in #expect(Array(ab) != Array(cb)) } }
    }

    @Test func parametersBelowThePolicyFloorAreRefusedBeforeDeriving() {
        let weak = PasswordHashParameters(opsLimit: 2, memLimit: PasswordHashParameters.interactive.memLimit / 2)
        #expect(throws: CryptoError(code: .invalidParameter, reason: "")) { try PasswordHashPolicy.standard.check(weak) }
        #expect(throws: CryptoError(code: .invalidParameter, reason: "")) {
            try Argon2id.deriveKey(from: passphrase, salt: Argon2id.makeSalt(), parameters: weak, policy: .standard)
        }
        let fewPasses = PasswordHashParameters(opsLimit: 1, memLimit: PasswordHashParameters.interactive.memLimit)
        #expect(throws: CryptoError(code: .invalidParameter, reason: "")) { try PasswordHashPolicy.standard.check(fewPasses) }
    }

    @Test func parametersAboveTheCeilingAreRefused() {
        let huge = PasswordHashParameters(opsLimit: 3, memLimit: 64 << 30)
        #expect(throws: CryptoError(code: .invalidParameter, reason: "")) { try PasswordHashPolicy.standard.check(huge) }
    }

    @Test func needsRehashIsTrueForParametersBelowTheTarget() throws {
        #expect(PasswordHashPolicy.standard.needsRehash(.interactive))
        #expect(!PasswordHashPolicy.standard.needsRehash(.moderate))
        #expect(!PasswordHashPolicy.standard.needsRehash(.sensitive))
        #expect(!PasswordHashPolicy.interactive.needsRehash(.interactive))
        #expect(throws: CryptoError(code: .invalidParameter, reason: "")) { try PasswordHashPolicy(floor: .moderate, target: .interactive) }
    }

    @Test func emptyPassphraseAndWrongSaltAreRefused() {
        #expect(throws: CryptoError(code: .invalidParameter, reason: "")) {
            try Argon2id.deriveKey(from: SecureBytes([UInt8]()), salt: Argon2id.makeSalt(), parameters: .interactive, policy: .interactive)
        }
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) {
            try Argon2id.deriveKey(from: passphrase, salt: [1, 2, 3], parameters: .interactive, policy: .interactive)
        }
    }
}

@Suite struct Argon2idVectorTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        let name: String, password: String, salt: String, opsLimit: UInt64, memLimitKiB: UInt64, key: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = (try? VectorFile<Vector>.load("argon2id-reference.json")) ?? []

    @Test func vectorFileIsThere() { #expect(Self.vectors.count == 5) }

    /// The reference vectors use 1–8 MiB, far below any deployment floor, so this test's policy
    /// admits exactly those costs.
    @Test(arguments: vectors) func derivationMatchesTheReferenceImplementation(_ vector: Vector) throws {
        let parameters = PasswordHashParameters(opsLimit: vector.opsLimit, memLimit: vector.memLimitKiB * 1024)
        let policy = try PasswordHashPolicy(floor: parameters, target: parameters, ceiling: parameters)
        let key = try Argon2id.deriveKey(
            from: SecureBytes(Hex.bytes(vector.password)),
            salt: Hex.bytes(vector.salt),
            parameters: parameters,
            policy: policy
        )
        key.withUnsafeBytes { #expect(Hex.string(Array($0)) == vector.key) }
    }
}
