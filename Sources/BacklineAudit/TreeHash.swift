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
        guard let bytes = Hex.decode(hex) else {
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
    public var hex: String { Hex.encode(bytes) }

    /// Standard base64 with padding.
    public var base64: String { Data(bytes).base64EncodedString() }

    public var description: String { hex }

    /// Calls `body` with the 32 bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { try body($0) }
    }
}
