public import BacklineCore
internal import Foundation

/// A 32-byte SHA-256 value in a Merkle tree (leaf hash, node hash or root), stored inline so
/// that arrays of millions of them are one contiguous allocation.
public struct TreeHash: Hashable, Sendable, CustomStringConvertible, ContiguousByteStorage {
    // The 32 bytes in memory order; never interpreted as numbers.
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0

    /// Length in bytes (32).
    public static let byteCount = 32

    /// A hash from exactly 32 bytes; throws ``AuditError`` `malformed` for any other length.
    public init(bytes: some Collection<UInt8>) throws {
        guard bytes.count == Self.byteCount else {
            throw AuditError.malformed("hash", "must be 32 bytes, got \(bytes.count)")
        }
        self.init(unchecked: Array(bytes))
    }

    /// A hash from 32 bytes the caller guarantees (digest output).
    init(unchecked bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount)
        withUnsafeMutableBytes(of: &self) { target in
            bytes.withUnsafeBytes { target.copyMemory(from: $0) }
        }
    }

    /// A hash from 64 lowercase or uppercase hex digits.
    public init(hex: String) throws {
        guard let bytes = HexCoding.decode(hex) else {
            throw AuditError.malformed("hash", "not hex: '\(hex.prefix(80))'")
        }
        try self.init(bytes: bytes)
    }

    /// A hash from standard base64 (as in checkpoints).
    public init(base64: String) throws {
        guard let data = Data(base64Encoded: base64) else {
            throw AuditError.malformed("hash", "not base64: '\(base64.prefix(80))'")
        }
        try self.init(bytes: data)
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Lowercase hex.
    public var hex: String { HexCoding.encode(bytes) }

    /// Standard base64 with padding.
    public var base64: String { Data(bytes).base64EncodedString() }

    public var description: String { hex }

    /// Calls `body` with the 32 bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { try body($0) }
    }
}

/// Lowercase hex encoding and strict decoding.
enum HexCoding {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex of `bytes`.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of an even-length hex string, or nil if any character is not a hex digit.
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
