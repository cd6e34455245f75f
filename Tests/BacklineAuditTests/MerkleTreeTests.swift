import BacklineCore
import BacklineCrypto
import Testing

@testable import BacklineAudit

@Suite struct MerkleTreeTests {
    @Test func reproducesTheNineReferenceRoots() throws {
        let vectors = try AuditVectors.load("tree.json", as: AuditVectors.Tree.self)
        var tree = MerkleTree()
        #expect(try tree.root().hex == vectors.roots[0])
        for (index, leaf) in vectors.leaves.enumerated() {
            let hash = tree.append(leafData: AuditVectors.bytes(hex: leaf))
            #expect(hash.hex == vectors.leafHashes[index])
            #expect(try tree.root().hex == vectors.roots[index + 1], "root at size \(index + 1)")
        }
        for size in 0...8 { #expect(try tree.root(size: size).hex == vectors.roots[size], "historic root \(size)") }
    }

    @Test func hasherMatchesRFC6962UnitVectors() throws {
        let h = try AuditVectors.load("tree.json", as: AuditVectors.Tree.self).hasher
        #expect(MerkleHasher.leafHash(Array(h.leafInput.utf8)).hex == h.leafHash)
        // node() takes hashes; the upstream vector hashes raw strings, so build it by hand.
        let left = Array(h.nodeLeft.utf8)
        let right = Array(h.nodeRight.utf8)
        #expect(try TreeHash(bytes: SHA256.hash([1] + left + right)).hex == h.nodeHash)
        #expect(MerkleHasher.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func leafAndNodeHashesDiffer() {
        // A two-leaf tree's root must not equal the leaf hash of the concatenated child hashes.
        let a = MerkleHasher.leafHash([1])
        let b = MerkleHasher.leafHash([2])
        #expect(MerkleHasher.nodeHash(a, b) != MerkleHasher.leafHash(a.bytes + b.bytes))
    }

    @Test(arguments: [1, 2, 3, 5, 7, 8, 9, 16, 17, 31, 33, 100, 257])
    func incrementalRootsEqualTheRecursiveDefinition(size: Int) throws {
        var generator = SeededGenerator(seed: UInt64(size))
        let leaves = (0..<size).map { _ in (0..<Int(generator.next() % 40)).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        var tree = MerkleTree()
        for leaf in leaves { tree.append(leafData: leaf) }
        for n in [0, 1, size / 2, size - 1, size] where n >= 0 {
            #expect(try tree.root(size: n) == Self.referenceRoot(Array(leaves[0..<n])), "size \(n) of \(size)")
        }
    }

    @Test(arguments: [0, 1, 2, 3, 4095, 4096, 4097, 10_001])
    func bulkBuiltTreeEqualsIncrementalTree(size: Int) throws {
        let leaves = (0..<size).map { MerkleHasher.leafHash([UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]) }
        let bulk = MerkleTree(leafHashes: leaves)
        var incremental = MerkleTree()
        for leaf in leaves { incremental.append(leafHash: leaf) }
        #expect(bulk.size == size)
        for n in Set([0, size / 3, size / 2, size]) { #expect(try bulk.root(size: n) == (try incremental.root(size: n))) }
        if size > 0 {
            #expect(try bulk.inclusionProof(index: size - 1) == (try incremental.inclusionProof(index: size - 1)))
        }
        // The bulk tree keeps growing like any other.
        var grown = bulk
        grown.append(leafData: [9])
        incremental.append(leafData: [9])
        #expect(try grown.root() == (try incremental.root()))
    }

    @Test func generatedProofsVerifyForEveryPairUpToSixtyFour() throws {
        var tree = MerkleTree()
        for i in 0..<64 { tree.append(leafData: [UInt8(i)]) }
        for size in 1...64 {
            let root = try tree.root(size: size)
            for index in 0..<size {
                let proof = try tree.inclusionProof(index: index, size: size)
                try MerkleProof.verifyInclusion(
                    leafHash: try tree.leafHash(at: index),
                    index: index,
                    treeSize: size,
                    proof: proof,
                    root: root
                )
            }
            for old in 1...size {
                let proof = try tree.consistencyProof(from: old, to: size)
                try MerkleProof.verifyConsistency(size1: old, size2: size, root1: try tree.root(size: old), root2: root, proof: proof)
            }
        }
    }

    @Test func generatedProofsEqualTheReferenceProofs() throws {
        let vectors = try AuditVectors.load("tree.json", as: AuditVectors.Tree.self)
        var tree = MerkleTree()
        for leaf in vectors.leaves { tree.append(leafData: AuditVectors.bytes(hex: leaf)) }
        let inclusion = try AuditVectors.load("inclusion.json", as: [AuditVectors.Inclusion].self).filter { !$0.wantErr }
        for case_ in inclusion {
            #expect(try tree.inclusionProof(index: case_.leafIndex, size: case_.treeSize).map(\.hex) == case_.proof, "\(case_.label)")
        }
        let consistency = try AuditVectors.load("consistency.json", as: [AuditVectors.Consistency].self)
            .filter { !$0.wantErr && $0.size1 > 0 && $0.size1 < $0.size2 }
        #expect(consistency.count == 4)
        for case_ in consistency {
            #expect(try tree.consistencyProof(from: case_.size1, to: case_.size2).map(\.hex) == case_.proof, "\(case_.label)")
        }
    }

    @Test func compactRangeHoldsTheSubtreeRoots() throws {
        var tree = MerkleTree()
        for i in 0..<13 { tree.append(leafData: [UInt8(i)]) }
        let range = try tree.compactRange(size: 13)  // 8 + 4 + 1
        #expect(range.count == 3)
        let folded = range.dropLast().reversed().reduce(range.last!) { MerkleHasher.nodeHash($1, $0) }
        #expect(folded == (try tree.root(size: 13)))
    }

    @Test func outOfRangeRequestsThrow() throws {
        var tree = MerkleTree()
        tree.append(leafData: [1])
        #expect(throws: AuditError.self) { try tree.root(size: 2) }
        #expect(throws: AuditError.self) { try tree.inclusionProof(index: 1, size: 1) }
        #expect(throws: AuditError.self) { try tree.inclusionProof(index: -1, size: 1) }
        #expect(throws: AuditError.self) { try tree.consistencyProof(from: 0, to: 1) }
        #expect(throws: AuditError.self) { try tree.consistencyProof(from: 2, to: 1) }
    }

    static func referenceRoot(_ leaves: [[UInt8]]) -> TreeHash {
        if leaves.isEmpty { return MerkleHasher.emptyRoot }
        if leaves.count == 1 { return MerkleHasher.leafHash(leaves[0]) }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        return MerkleHasher.nodeHash(referenceRoot(Array(leaves[0..<k])), referenceRoot(Array(leaves[k...])))
    }
}
