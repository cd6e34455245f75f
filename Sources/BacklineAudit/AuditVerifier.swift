/// What an auditor runs: recomputes the Merkle tree over every stored entry, checks the latest
/// checkpoint's signature and root, and checks that the log still extends the checkpoint the
/// auditor accepted last time.
///
/// Locating tampering: the saved ``AuditorState`` holds the leaf hash of every entry it
/// covers, so the first recomputed leaf hash that differs names the first altered entry; a
/// shorter log names the first removed one. Without a saved state only the mismatch against the
/// signed root can be reported (a root cannot say which leaf changed).
public struct AuditVerifier: Sendable {
    /// Checks signatures and origin.
    public let reader: CheckpointReader

    /// A verifier for the log `origin` trusting `keys`.
    public init(origin: String, keys: [NoteVerifierKey]) {
        reader = CheckpointReader(origin: origin, keys: keys)
    }

    /// Verifies the log in `storage` against its latest checkpoint and the auditor's `saved`
    /// state. Never throws for what it finds: problems go into the report.
    public func verify(storage: any AuditLogStorage, saved: AuditorState?) -> AuditVerificationReport {
        var report = AuditVerificationReport()
        report.savedSize = saved?.checkpoint.size
        let leaves = readLeafHashes(storage, into: &report)
        report.entries = leaves.count
        let tree = MerkleTree(leafHashes: leaves)

        var latest: (checkpoint: Checkpoint, note: String)?
        do {
            if let note = try storage.latestCheckpoint() {
                latest = (try reader.read(note), note)
            } else if !leaves.isEmpty {
                report.fail("the log has \(leaves.count) entries but no signed checkpoint")
            }
        } catch {
            report.fail("latest checkpoint rejected: \(error)")
        }
        var latestMatches = false
        if let (checkpoint, _) = latest {
            report.checkpointSize = checkpoint.size
            report.checkpointRoot = checkpoint.root.hex
            if checkpoint.size > leaves.count {
                report.fail(
                    "the signed checkpoint covers \(checkpoint.size) entries but the log holds \(leaves.count): entries removed",
                    at: leaves.count
                )
            } else if let root = try? tree.root(size: checkpoint.size), root == checkpoint.root {
                latestMatches = true
            } else {
                let root = (try? tree.root(size: checkpoint.size).hex) ?? "-"
                report.fail(
                    "root mismatch at size \(checkpoint.size): entries give \(root), the signed checkpoint says \(checkpoint.root.hex)"
                )
            }
        }

        if let saved {
            compare(saved, leaves: leaves, storage: storage, into: &report)
            if let (checkpoint, _) = latest {
                checkConsistency(saved: saved.checkpoint, latest: checkpoint, tree: tree, latestMatches: latestMatches, into: &report)
            }
        }
        if report.ok, latestMatches, let (checkpoint, note) = latest {
            // The root at checkpoint.size was recomputed from these leaves above.
            report.updatedState = AuditorState(verified: checkpoint, note: note, leafHashes: Array(leaves[0..<checkpoint.size]))
        }
        return report
    }

    /// Leaf hashes of every entry; an unreadable entry is reported and given a hash no entry has.
    private func readLeafHashes(_ storage: any AuditLogStorage, into report: inout AuditVerificationReport) -> [TreeHash] {
        let count: Int
        do { count = try storage.count() } catch {
            report.fail("cannot count entries: \(error)")
            return []
        }
        var leaves: [TreeHash] = []
        leaves.reserveCapacity(count)
        let chunk = 65_536
        var start = 0
        while start < count {
            let end = min(count, start + chunk)
            if let data = try? storage.leafData(from: start, to: end), data.count == end - start {
                leaves += ParallelHashing.map(count: data.count) { MerkleHasher.leafHash(data[$0]) }
            } else {
                for index in start..<end {
                    do {
                        guard let entry = try storage.entries(from: index, to: index + 1).first else {
                            throw AuditError.outOfRange("entry \(index) missing")
                        }
                        leaves.append(entry.leafHash)
                    } catch {
                        report.fail("entry \(index) is unreadable: \(error)", at: index)
                        leaves.append(MerkleHasher.nodeHash(MerkleHasher.emptyRoot, MerkleHasher.emptyRoot))
                    }
                }
            }
            start = end
        }
        return leaves
    }

    private func compare(
        _ saved: AuditorState,
        leaves: [TreeHash],
        storage: any AuditLogStorage,
        into report: inout AuditVerificationReport
    ) {
        let common = min(leaves.count, saved.leafHashes.count)
        if let first = (0..<common).first(where: { leaves[$0] != saved.leafHashes[$0] }) {
            var problem = "entry \(first) differs from the entry the auditor accepted at checkpoint size \(saved.checkpoint.size)"
            do { _ = try storage.entries(from: first, to: first + 1) } catch { problem += " (and is unreadable: \(error))" }
            report.fail(problem, at: first)
        }
        if leaves.count < saved.checkpoint.size {
            report.fail(
                "the log holds \(leaves.count) entries, fewer than the \(saved.checkpoint.size) the auditor accepted: roll-back",
                at: leaves.count
            )
        }
    }

    private func checkConsistency(
        saved: Checkpoint,
        latest: Checkpoint,
        tree: MerkleTree,
        latestMatches: Bool,
        into report: inout AuditVerificationReport
    ) {
        guard latest.size >= saved.size else {
            report.fail(
                "the latest checkpoint (size \(latest.size)) is older than the one the auditor accepted (size \(saved.size)): roll-back"
            )
            return
        }
        if latest.size == saved.size {
            if latest.root != saved.root { report.fail("the latest checkpoint has the saved size \(saved.size) but another root: fork") }
            return
        }
        guard saved.size > 0, latestMatches else { return }
        do {
            let proof = try tree.consistencyProof(from: saved.size, to: latest.size)
            try MerkleProof.verifyConsistency(size1: saved.size, size2: latest.size, root1: saved.root, root2: latest.root, proof: proof)
        } catch {
            report.fail("the latest checkpoint (size \(latest.size)) does not extend the saved one (size \(saved.size)): \(error)")
        }
    }
}
