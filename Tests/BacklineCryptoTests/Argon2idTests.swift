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
