public import BacklineCore
internal import BacklineCrypto

/// RFC 6962 / RFC 9162 §2.1.1 tree hashing with SHA-256: `leaf = SHA-256(0x00 ‖ d)`,
/// `node = SHA-256(0x01 ‖ left ‖ right)`, and the empty tree's root `SHA-256("")`.
/// The distinct prefixes stop a leaf from passing as an inner node (second pre-image).
public enum MerkleHasher {
    /// The root of the empty tree.
    public static let emptyRoot = TreeHash(unchecked: SHA256.hash([UInt8]()))

    /// The leaf hash of `data`.
    public static func leafHash(_ data: some ContiguousByteStorage) -> TreeHash {
        data.withUnsafeBytes { bytes in
            withUnsafeTemporaryAllocation(byteCount: bytes.count + 1, alignment: 8) { buffer in
                buffer[0] = 0
                if bytes.count > 0 { UnsafeMutableRawBufferPointer(rebasing: buffer[1...]).copyMemory(from: bytes) }
                return TreeHash(unchecked: SHA256.hash(UnsafeRawBufferPointer(buffer)))
            }
        }
    }

    /// The hash of `prefixed`, which already starts with the leaf prefix 0x00.
    static func leafHash(prefixed: [UInt8]) -> TreeHash {
        TreeHash(unchecked: prefixed.withUnsafeBytes { SHA256.hash($0) })
    }

    /// The hash of an inner node with children `left` and `right`.
    public static func nodeHash(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
        withUnsafeTemporaryAllocation(byteCount: 1 + 2 * TreeHash.byteCount, alignment: 8) { buffer in
            buffer[0] = 1
            left.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1..<33]).copyMemory(from: $0) }
            right.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[33..<65]).copyMemory(from: $0) }
            return TreeHash(unchecked: SHA256.hash(UnsafeRawBufferPointer(buffer)))
        }
    }
}
