import BacklineCore
import Testing

@testable import BacklineAudit

@Suite struct MerkleProofTests {
    static let inclusion = (try? AuditVectors.load("inclusion.json", as: [AuditVectors.Inclusion].self)) ?? []
    static let consistency = (try? AuditVectors.load("consistency.json", as: [AuditVectors.Consistency].self)) ?? []

    @Test func fixturesLoaded() {
        #expect(Self.inclusion.count > 100)
        #expect(Self.consistency.count > 100)
        #expect(Self.inclusion.contains { !$0.wantErr } && Self.inclusion.contains { $0.wantErr })
    }

    @Test(arguments: inclusion)
    func inclusionFixture(_ case_: AuditVectors.Inclusion) {
        let verified: Bool
        do {
            let proof = try case_.proof.map { try TreeHash(hex: $0) }
            try MerkleProof.verifyInclusion(
                leafHash: try TreeHash(hex: case_.leafHash),
                index: case_.leafIndex,
                treeSize: case_.treeSize,
                proof: proof,
                root: try TreeHash(hex: case_.root)
            )
            verified = true
        } catch {
            verified = false
        }
        #expect(verified == !case_.wantErr, "\(case_.label)")
    }

    @Test(arguments: consistency)
    func consistencyFixture(_ case_: AuditVectors.Consistency) {
        let verified: Bool
        do {
            let proof = try case_.proof.map { try TreeHash(hex: $0) }
            try MerkleProof.verifyConsistency(
                size1: case_.size1,
                size2: case_.size2,
                root1: try TreeHash(hex: case_.root1),
                root2: try TreeHash(hex: case_.root2),
                proof: proof
            )
            verified = true
        } catch {
            verified = false
        }
        #expect(verified == !case_.wantErr, "\(case_.label)")
    }

    /// A malicious prover (immudb GHSA-672p-m5jq-mrh8): proofs taken from a forked log must not
    /// link the honest old root to the forked new root, whatever single hash is swapped in.
    @Test func consistencyRejectsAForkedLogsProof() throws {
        var honest = MerkleTree()
        var forked = MerkleTree()
        for i in 0..<20 {
            honest.append(leafData: [UInt8(i)])
            forked.append(leafData: i == 5 ? [0xFF] : [UInt8(i)])
        }
        for old in [6, 7, 8, 11, 16] {
            let proof = try forked.consistencyProof(from: old, to: 20)
            let honestRoot = try honest.root(size: old)
            let forkedRoot = try forked.root(size: 20)
            #expect(throws: AuditError.self) {
                try MerkleProof.verifyConsistency(size1: old, size2: 20, root1: honestRoot, root2: forkedRoot, proof: proof)
            }
            // Swap each proof element for the honest tree's hash at the same position.
            let honestProof = try honest.consistencyProof(from: old, to: 20)
            for position in proof.indices {
                var mixed = proof
                mixed[position] = honestProof[position]
                #expect(throws: AuditError.self) {
                    try MerkleProof.verifyConsistency(size1: old, size2: 20, root1: honestRoot, root2: forkedRoot, proof: mixed)
                }
            }
        }
    }

    /// Every single-bit change of every proof element breaks an honest proof.
    @Test func everyBitFlipInAProofFails() throws {
        var tree = MerkleTree()
        for i in 0..<11 { tree.append(leafData: [UInt8(i)]) }
        let proof = try tree.consistencyProof(from: 5, to: 11)
        let inclusion = try tree.inclusionProof(index: 6, size: 11)
        for position in proof.indices {
            for bit in 0..<256 {
                var bytes = proof[position].bytes
                bytes[bit / 8] ^= 1 << (bit % 8)
                var changed = proof
                changed[position] = try TreeHash(bytes: bytes)
                #expect(throws: AuditError.self) {
                    try MerkleProof.verifyConsistency(
                        size1: 5,
                        size2: 11,
                        root1: try tree.root(size: 5),
                        root2: try tree.root(),
                        proof: changed
                    )
                }
            }
        }
        for position in inclusion.indices {
            var bytes = inclusion[position].bytes
            bytes[31] ^= 0x80
            var changed = inclusion
            changed[position] = try TreeHash(bytes: bytes)
            #expect(throws: AuditError.self) {
                try MerkleProof.verifyInclusion(
                    leafHash: try tree.leafHash(at: 6),
                    index: 6,
                    treeSize: 11,
                    proof: changed,
                    root: try tree.root()
                )
            }
        }
    }

    @Test func hashesOfWrongLengthAreRejected() {
        #expect(throws: AuditError.self) { try TreeHash(bytes: [UInt8](repeating: 0, count: 31)) }
        #expect(throws: AuditError.self) { try TreeHash(hex: "zz") }
        #expect(throws: AuditError.self) { try TreeHash(base64: "AAAA") }
    }
}

extension AuditVectors.Inclusion: CustomStringConvertible {
    var description: String { label }
}

extension AuditVectors.Consistency: CustomStringConvertible {
    var description: String { label }
}
