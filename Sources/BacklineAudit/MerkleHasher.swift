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
        var hasher = SHA256.Hasher()
        hasher.update([UInt8(0)])
        hasher.update(data)
        return TreeHash(unchecked: hasher.finalize())
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
