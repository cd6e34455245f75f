public import BacklineCore
internal import BacklineCrypto

/// An append-only RFC 6962 Merkle tree that keeps the hash of every complete aligned subtree
/// ("level hashes"), so appending is O(1) amortised (O(log n) worst case), and the root at any
/// earlier size and every proof are O(log n) hash operations.
///
/// Memory: about 64 bytes per leaf (the leaf hash plus its share of inner nodes).
public struct MerkleTree: Sendable {
    /// `levels[k][i]` is the hash of leaves `[i·2^k, (i+1)·2^k)`; level 0 holds leaf hashes.
    private var levels: [[TreeHash]] = [[]]

    /// An empty tree.
    public init() {}

    /// A tree over `leafHashes`, in order.
    public init(leafHashes: some Sequence<TreeHash>) {
        for hash in leafHashes { append(leafHash: hash) }
    }

    /// A tree over `leafHashes`, built level by level (large levels on all cores).
    public init(leafHashes: [TreeHash]) {
        levels = [leafHashes]
        while let below = levels.last, below.count >= 2 {
            levels.append(ParallelHashing.map(count: below.count / 2) { MerkleHasher.nodeHash(below[2 * $0], below[2 * $0 + 1]) })
        }
    }

    /// Number of leaves.
    public var size: Int { levels[0].count }

    /// Appends a leaf by its leaf hash (``MerkleHasher/leafHash(_:)``).
    public mutating func append(leafHash: TreeHash) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let parent = MerkleHasher.nodeHash(levels[level][count - 2], levels[level][count - 1])
            if level + 1 == levels.count { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    /// Appends a leaf by its data; returns its leaf hash.
    @discardableResult
    public mutating func append(leafData: some ContiguousByteStorage) -> TreeHash {
        let hash = MerkleHasher.leafHash(leafData)
        append(leafHash: hash)
        return hash
    }

    /// The leaf hash at `index`.
    public func leafHash(at index: Int) throws -> TreeHash {
        guard index >= 0, index < size else { throw AuditError.outOfRange("leaf index \(index) not in 0..<\(size)") }
        return levels[0][index]
    }

    /// The root of the tree made of the first `treeSize` leaves (default: all).
    public func root(size treeSize: Int? = nil) throws -> TreeHash {
        let n = treeSize ?? size
        guard n >= 0, n <= size else { throw AuditError.outOfRange("tree size \(n) not in 0...\(size)") }
        return subtreeHash(start: 0, count: n)
    }

    /// The compact range of the first `treeSize` leaves: the roots of the complete subtrees
    /// that make it up, largest first (at most 64 hashes). Enough to extend the tree later.
    public func compactRange(size treeSize: Int) throws -> [TreeHash] {
        guard treeSize >= 0, treeSize <= size else { throw AuditError.outOfRange("tree size \(treeSize) not in 0...\(size)") }
        var result: [TreeHash] = []
        var start = 0
        for bit in stride(from: Int.bitWidth - 2, through: 0, by: -1) where treeSize & (1 << bit) != 0 {
            result.append(levels[bit][start >> bit])
            start += 1 << bit
        }
        return result
    }

    /// RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of the first `treeSize` leaves.
    public func inclusionProof(index: Int, size treeSize: Int? = nil) throws -> [TreeHash] {
        let n = treeSize ?? size
        guard n > 0, n <= size else { throw AuditError.outOfRange("tree size \(n) not in 1...\(size)") }
        guard index >= 0, index < n else { throw AuditError.outOfRange("leaf index \(index) not in 0..<\(n)") }
        var proof: [TreeHash] = []
        path(index, start: 0, count: n, into: &proof)
        return proof
    }

    /// RFC 9162 §2.1.4.1 consistency proof between the trees of the first `oldSize` and
    /// `newSize` leaves (empty when the sizes are equal).
    public func consistencyProof(from oldSize: Int, to newSize: Int? = nil) throws -> [TreeHash] {
        let n = newSize ?? size
        guard n >= 0, n <= size else { throw AuditError.outOfRange("tree size \(n) not in 0...\(size)") }
        guard oldSize > 0, oldSize <= n else { throw AuditError.outOfRange("old size \(oldSize) not in 1...\(n)") }
        var proof: [TreeHash] = []
        subproof(oldSize, start: 0, count: n, complete: true, into: &proof)
        return proof
    }

    // MARK: RFC 6962 recursions over ranges [start, start+count); start is always aligned.

    /// MTH(D[start : start+count]).
    func subtreeHash(start: Int, count: Int) -> TreeHash {
        if count == 0 { return MerkleHasher.emptyRoot }
        if count & (count - 1) == 0 {
            let level = count.trailingZeroBitCount
            return levels[level][start >> level]
        }
        let split = Self.largestPowerOfTwo(below: count)
        return MerkleHasher.nodeHash(
            subtreeHash(start: start, count: split),
            subtreeHash(start: start + split, count: count - split)
        )
    }

    private func path(_ index: Int, start: Int, count: Int, into proof: inout [TreeHash]) {
        guard count > 1 else { return }
        let split = Self.largestPowerOfTwo(below: count)
        if index < split {
            path(index, start: start, count: split, into: &proof)
            proof.append(subtreeHash(start: start + split, count: count - split))
        } else {
            path(index - split, start: start + split, count: count - split, into: &proof)
            proof.append(subtreeHash(start: start, count: split))
        }
    }

    private func subproof(_ old: Int, start: Int, count: Int, complete: Bool, into proof: inout [TreeHash]) {
        if old == count {
            if !complete { proof.append(subtreeHash(start: start, count: count)) }
            return
        }
        let split = Self.largestPowerOfTwo(below: count)
        if old <= split {
            subproof(old, start: start, count: split, complete: complete, into: &proof)
            proof.append(subtreeHash(start: start + split, count: count - split))
        } else {
            subproof(old - split, start: start + split, count: count - split, complete: false, into: &proof)
            proof.append(subtreeHash(start: start, count: split))
        }
    }

    /// The largest power of two strictly below `n` (n ≥ 2).
    static func largestPowerOfTwo(below n: Int) -> Int {
        1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }
}
