import BacklineCore
import BacklineCrypto
import Testing

@Suite struct SymmetricKeyTests {
    @Test func wipeLeavesEveryKeyByteZero() {
        var key = SymmetricKey()
        key.withUnsafeBytes { #expect($0.count == 32 && $0.contains { $0 != 0 }) }
        key.wipe()
        key.withUnsafeBytes { #expect($0.count == 32 && $0.allSatisfy { $0 == 0 }) }
    }

    @Test func keysAreRandomAndNeverPrinted() throws {
        let a = SymmetricKey()
        let b = SymmetricKey()
        a.withUnsafeBytes { ab in b.withUnsafeBytes { bb in #expect(Array(ab) != Array(bb)) } }
        let known = try SymmetricKey(secureBytes: SecureBytes([UInt8](repeating: 0xAB, count: 32)))
        #expect("\(known)" == "SymmetricKey(32 bytes)")
        #expect(!String(reflecting: known).lowercased().contains("ab"))
    }

    @Test(arguments: [0, 16, 31, 33, 64]) func wrongLengthIsRefused(_ count: Int) {
        #expect(throws: CryptoError(code: .invalidLength, reason: "")) { try SymmetricKey(secureBytes: SecureBytes(zeroedCount: count)) }
    }
}
