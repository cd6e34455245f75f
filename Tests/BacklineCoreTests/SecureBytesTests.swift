import BacklineCore
import Testing

@Suite struct SecureBytesTests {
    @Test func wipeZeroesEveryByteAndKeepsCount() {
        var secret = SecureBytes([1, 2, 3, 4, 5, 6, 7, 8])
        secret.wipe()
        #expect(secret.count == 8)
        secret.withUnsafeBytes { bytes in #expect(bytes.allSatisfy { $0 == 0 }) }
    }

    @Test func wipeOfACopyLeavesTheOriginalIntact() {
        let original = SecureBytes([9, 9, 9])
        var copy = original
        copy.wipe()
        original.withUnsafeBytes { #expect(Array($0) == [9, 9, 9]) }
    }

    @Test func equalityComparesContentAndLength() {
        #expect(SecureBytes([1, 2, 3]) == SecureBytes([1, 2, 3]))
        #expect(SecureBytes([1, 2, 3]) != SecureBytes([1, 2, 4]))
        #expect(SecureBytes([1, 2, 3]) != SecureBytes([1, 2]))
    }

    @Test func descriptionNeverShowsTheBytes() {
        let secret = SecureBytes(Array("hunter2-passphrase".utf8))
        #expect(String(describing: secret) == "SecureBytes(18 bytes)")
        #expect(String(reflecting: secret) == "SecureBytes(18 bytes)")
        #expect(!"\(secret)".contains("hunter2"))
    }

    @Test func appendGrowsAndKeepsContent() {
        var bytes = SecureBytes(capacity: 2)
        bytes.append(contentsOf: [1, 2])
        bytes.append(contentsOf: [3, 4, 5])
        bytes.withUnsafeBytes { #expect(Array($0) == [1, 2, 3, 4, 5]) }
    }

    @Test func constantTimeEqualsOnArrays() {
        #expect(constantTimeEquals([1, 2], [1, 2]))
        #expect(!constantTimeEquals([1, 2], [1, 3]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
        #expect(constantTimeEquals([], []))
    }

    @Test func arrayZeroize() {
        var bytes: [UInt8] = [5, 6, 7]
        bytes.zeroize()
        #expect(bytes == [0, 0, 0])
    }
}

@Suite struct HexTests {
    @Test func encodesLowercaseAndDecodesEitherCase() {
        #expect(Hex.encode([0x00, 0xAB, 0xff]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xAB, 0xFF])
    }

    @Test(arguments: ["0", "zz", "0g", "abc"])
    func refusesOddLengthOrNonHex(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }
}
