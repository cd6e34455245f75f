public import Foundation

/// An export of (part of) the audit log that verifies offline: the signed checkpoint, the
/// verifier key, and each selected entry with its inclusion proof against the checkpoint.
/// It holds entries only: no payloads, no keys other than the public verifier key.
public struct AuditBundle: Sendable, Codable {
    /// One exported entry.
    public struct Item: Sendable, Codable, Hashable {
        /// Its index in the log.
        public let index: Int
        /// The entry.
        public let entry: AuditEntry
        /// Inclusion proof (hex hashes) in the tree of ``AuditBundle/treeSize`` entries.
        public let proof: [String]
    }

    /// The format this code writes and reads.
    public static let currentFormat = "backline-audit-bundle/1"
    /// Format marker.
    public var format = AuditBundle.currentFormat
    /// The log origin.
    public let origin: String
    /// The signed checkpoint note the proofs lead to.
    public let checkpoint: String
    /// The log's verifier key string (informative: verification uses a key the auditor trusts).
    public let verifierKey: String
    /// Size of the checkpoint's tree.
    public let treeSize: Int
    /// The filter that chose the entries.
    public let filter: AuditFilter
    /// The selected entries, by increasing index.
    public let entries: [Item]

    enum CodingKeys: String, CodingKey {
        case format, origin, checkpoint, filter, entries
        case verifierKey = "verifier_key"
        case treeSize = "tree_size"
    }

    /// Exports the entries of `storage` chosen by `filter` up to its latest checkpoint, after
    /// checking that checkpoint with `reader` and that the stored entries rebuild its root.
    public static func make(storage: any AuditLogStorage, reader: CheckpointReader, filter: AuditFilter) throws -> AuditBundle {
        guard let note = try storage.latestCheckpoint() else {
            throw AuditError.outOfRange("the log has no signed checkpoint to export against")
        }
        let checkpoint = try reader.read(note)
        guard checkpoint.size <= (try storage.count()) else {
            throw AuditError.tampered("checkpoint covers \(checkpoint.size) entries, the log holds fewer")
        }
        var tree = MerkleTree()
        try AuditLog.extend(&tree, from: storage, to: checkpoint.size)
        guard try tree.root() == checkpoint.root else {
            throw AuditError.tampered("stored entries do not rebuild the signed root at size \(checkpoint.size); run 'audit verify'")
        }
        let range = filter.indices(count: checkpoint.size)
        var items: [Item] = []
        let chunk = 65_536
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, start + chunk)
            for (offset, entry) in try storage.entries(from: start, to: end).enumerated() where filter.matches(entry) {
                let index = start + offset
                let proof = try tree.inclusionProof(index: index, size: checkpoint.size)
                items.append(Item(index: index, entry: entry, proof: proof.map(\.hex)))
            }
            start = end
        }
        let key = reader.keys.first { key in (try? SignedNote(parsing: note).verify(keys: [key])) != nil }
        return AuditBundle(
            origin: checkpoint.origin,
            checkpoint: note,
            verifierKey: key?.text ?? "",
            treeSize: checkpoint.size,
            filter: filter,
            entries: items
        )
    }

    /// Verifies the bundle offline against keys the auditor trusts (not the key inside the
    /// bundle): the checkpoint signature and origin, then every entry's inclusion proof, the
    /// filter, and increasing indices. Returns the number of entries verified.
    @discardableResult
    public func verify(trusting keys: [NoteVerifierKey]) throws -> Int {
        let checkpoint = try CheckpointReader(origin: origin, keys: keys).read(self.checkpoint)
        guard checkpoint.size == treeSize else {
            throw AuditError.invalidProof("bundle tree size \(treeSize) differs from its checkpoint's size \(checkpoint.size)")
        }
        var previous = -1
        for item in entries {
            guard item.index > previous else { throw AuditError.malformed("bundle", "entry indices not increasing at \(item.index)") }
            previous = item.index
            guard filter.indices(count: treeSize).contains(item.index), filter.matches(item.entry) else {
                throw AuditError.malformed("bundle entry \(item.index)", "does not match the bundle's filter")
            }
            let proof = try item.proof.map { try TreeHash(hex: $0) }
            do {
                try MerkleProof.verifyInclusion(
                    leafHash: item.entry.leafHash,
                    index: item.index,
                    treeSize: treeSize,
                    proof: proof,
                    root: checkpoint.root
                )
            } catch {
                throw AuditError.invalidProof("bundle entry \(item.index): \(error)")
            }
        }
        return entries.count
    }

    /// The bundle as JSON (sorted keys, one line per entry is not guaranteed).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// Decodes a bundle; entries are validated as they decode.
    public static func decode(_ data: Data) throws -> AuditBundle {
        let bundle: AuditBundle
        do { bundle = try JSONDecoder().decode(AuditBundle.self, from: data) } catch let error as AuditError { throw error } catch {
            throw AuditError.malformed("bundle", "not a bundle: \(error)")
        }
        guard bundle.format == currentFormat else {
            throw AuditError.malformed("bundle", "format '\(bundle.format.prefix(60))' is not \(currentFormat)")
        }
        return bundle
    }
}
