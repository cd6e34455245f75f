/// Verification of inclusion and consistency proofs exactly as RFC 9162 §2.1.3.2 and §2.1.4.2
/// describe them. Every proof element takes part in the recomputed roots, so a prover cannot
/// slip in an unchecked middle element.
public enum MerkleProof {
    /// Throws ``AuditError`` `invalidProof` unless `proof` shows that `leafHash` is leaf `index`
    /// of the tree of size `treeSize` whose root is `root`.
    public static func verifyInclusion(
        leafHash: TreeHash,
        index: Int,
        treeSize: Int,
        proof: [TreeHash],
        root: TreeHash
    ) throws {
        let computed = try rootFromInclusionProof(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof)
        guard computed == root else {
            throw AuditError.invalidProof(
                "inclusion proof of leaf \(index) in tree size \(treeSize) gives root \(computed.hex), expected \(root.hex)"
            )
        }
    }

    /// The root that an inclusion proof implies (RFC 9162 §2.1.3.2 steps 1–7).
    public static func rootFromInclusionProof(
        leafHash: TreeHash,
        index: Int,
        treeSize: Int,
        proof: [TreeHash]
    ) throws -> TreeHash {
        guard index >= 0, treeSize > 0, index < treeSize else {
            throw AuditError.invalidProof("leaf index \(index) not in 0..<\(treeSize)")
        }
        var fn = UInt64(index)
        var sn = UInt64(treeSize - 1)
        var r = leafHash
        for p in proof {
            guard sn != 0 else {
                throw AuditError.invalidProof("inclusion proof has \(proof.count) hashes, too many for index \(index) in size \(treeSize)")
            }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHasher.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleHasher.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw AuditError.invalidProof("inclusion proof has \(proof.count) hashes, too few for index \(index) in size \(treeSize)")
        }
        return r
    }

    /// Throws ``AuditError`` `invalidProof` unless `proof` shows that the tree of size `size2`
    /// and root `root2` extends the tree of size `size1` and root `root1`.
    public static func verifyConsistency(
        size1: Int,
        size2: Int,
        root1: TreeHash,
        root2: TreeHash,
        proof: [TreeHash]
    ) throws {
        guard size1 >= 0, size2 >= 0 else { throw AuditError.invalidProof("negative tree size \(size1) or \(size2)") }
        if size1 == size2 {
            guard proof.isEmpty else {
                throw AuditError.invalidProof("equal sizes \(size1) need an empty proof, got \(proof.count) hashes")
            }
            guard root1 == root2 else { throw AuditError.invalidProof("equal sizes \(size1) with different roots") }
            return
        }
        guard size1 != 0 else { throw AuditError.invalidProof("size1 is 0: consistency with the empty tree is not proven by hashes") }
        guard size1 < size2 else { throw AuditError.invalidProof("size1 \(size1) exceeds size2 \(size2)") }
        guard !proof.isEmpty else { throw AuditError.invalidProof("empty consistency proof for \(size1) -> \(size2)") }

        var path = proof[...]
        let seed: TreeHash
        if size1 & (size1 - 1) == 0 {
            seed = root1
        } else {
            seed = path.removeFirst()
        }
        var fn = UInt64(size1 - 1)
        var sn = UInt64(size2 - 1)
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = seed
        var sr = seed
        for c in path {
            guard sn != 0 else {
                throw AuditError.invalidProof("consistency proof \(size1) -> \(size2) has too many hashes (\(proof.count))")
            }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHasher.nodeHash(c, fr)
                sr = MerkleHasher.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = MerkleHasher.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw AuditError.invalidProof("consistency proof \(size1) -> \(size2) has too few hashes (\(proof.count))") }
        guard fr == root1 else { throw AuditError.invalidProof("consistency proof \(size1) -> \(size2) does not reproduce the old root") }
        guard sr == root2 else { throw AuditError.invalidProof("consistency proof \(size1) -> \(size2) does not reproduce the new root") }
    }
}
