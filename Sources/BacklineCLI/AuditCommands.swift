internal import BacklineAggregator
internal import BacklineAudit
internal import BacklineCore
internal import BacklineStore
internal import Foundation

/// `backline audit`: read, search, verify, prove and export the tamper-evident audit log.
struct AuditCommand: Command {
    let name = "audit"
    let abstract = "Read, verify and export the tamper-evident audit log"
    var subcommands: [any Command] {
        [AuditTailCommand(), AuditSearchCommand(), AuditVerifyCommand(), AuditProofCommand(), AuditExportCommand()]
    }

    /// Where the log is read from: exactly one of a file-backed log or the aggregator's store.
    static let sourceOptions: [OptionSpec] = [
        .value("log", "PATH", "File-backed audit log (JSON lines; checkpoints in PATH.checkpoints)"),
        .value("sqlite", "PATH", "The aggregator's SQLite store (opened without migrating)"),
        .value("postgres", "URL", "The aggregator's PostgreSQL store, e.g. as the read-only auditor role"),
    ]
    static let keyOption = OptionSpec.value("key", "VKEY", "Trusted verifier key (name+keyid+base64) or a file holding it")
    static let originOption = OptionSpec.value("origin", "ORIGIN", "Log origin (default: the key's name)")
    static let filterOptions: [OptionSpec] = [
        .value("actor", "SPIFFE_ID", "Only entries by this caller"), .value("action", "ACTION", "Only this action"),
        .value("round", "N", "Only this round"), .value("since", "TIME", "At or after (YYYY-MM-DD[THH[:MM[:SS]]])"),
        .value("until", "TIME", "Before (same forms)"), .value("from", "INDEX", "First index"),
        .value("to", "INDEX", "End index (exclusive)"),
    ]

    /// Opens the log named by `--log`, `--sqlite` or `--postgres` (exactly one), for reading.
    static func storage(_ arguments: ParsedArguments) throws -> any AuditLogStorage {
        let log = arguments.value("log")
        let sqlite = arguments.value("sqlite")
        let postgres = arguments.value("postgres")
        guard [log, sqlite, postgres].compactMap({ $0 }).count == 1 else {
            throw UsageError("give exactly one of --log, --sqlite or --postgres")
        }
        if let sqlite {
            guard FileAccess.exists(sqlite) else { throw AuditError.storageFailure("no aggregator store at \(sqlite)") }
            var configuration = SQLiteConfiguration.file(sqlite)
            configuration.allowMigration = false
            return StoreAuditStorage(store: try SQLFederationStore.makeSQLite(configuration))
        }
        if let postgres {
            let configuration = try PostgresConfiguration(connectionString: postgres, allowMigration: false)
            return StoreAuditStorage(store: try SQLFederationStore.makePostgres(configuration))
        }
        guard FileAccess.exists(log!) else { throw AuditError.storageFailure("no audit log at \(log!)") }
        return try FileAuditStorage(path: log!, readOnly: true)
    }

    /// The trusted key from `--key` (a key string, or a file holding one).
    static func key(_ arguments: ParsedArguments) throws -> NoteVerifierKey {
        let value = try arguments.required("key")
        if value.contains("+") { return try NoteVerifierKey(parsing: value) }
        let text = String(decoding: try FileAccess.readAll(value), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return try NoteVerifierKey(parsing: text)
    }

    static func reader(_ arguments: ParsedArguments) throws -> CheckpointReader {
        let key = try key(arguments)
        return CheckpointReader(origin: arguments.value("origin") ?? key.name, keys: [key])
    }

    static func filter(_ arguments: ParsedArguments) throws -> BacklineAudit.AuditFilter {
        func optionalInteger(_ name: String) throws -> Int? {
            arguments.value(name) == nil ? nil : try arguments.integer(name, in: 0...Int(Int32.max))
        }
        return try BacklineAudit.AuditFilter(
            actor: arguments.value("actor"),
            action: arguments.value("action"),
            round: try optionalInteger("round"),
            since: arguments.value("since"),
            until: arguments.value("until"),
            from: try optionalInteger("from"),
            to: try optionalInteger("to")
        )
    }

    /// Prints entries as JSON lines or as a table.
    static func printEntries(_ entries: [(Int, AuditEntry)], _ context: CommandContext) throws {
        struct Line: Encodable {
            let index: Int
            let entry: AuditEntry
        }
        if context.json {
            for (index, entry) in entries { try context.printJSON(Line(index: index, entry: entry)) }
            return
        }
        let header = ["INDEX", "TIME", "CALLER", "ACTION", "RESOURCE", "DECISION", "RULE", "OUTCOME"]
        let rows = entries.map { index, e in
            [String(index), e.time, e.spiffeID, e.action, e.resource, e.decision.rawValue, e.ruleID, e.outcome]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            context.print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}

/// `backline audit tail`.
struct AuditTailCommand: Command {
    let name = "tail"
    let abstract = "Show the last entries of the log"
    var options: [OptionSpec] { AuditCommand.sourceOptions + [.value("count", "N", "How many (default 20)")] }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let storage = try AuditCommand.storage(arguments)
        let count = try storage.count()
        let wanted = try arguments.integer("count", default: 20, in: 1...100_000)
        let start = max(0, count - wanted)
        try AuditCommand.printEntries(Array(zip(start..., try storage.entries(from: start, to: count))), context)
        return 0
    }
}

/// `backline audit search`.
struct AuditSearchCommand: Command {
    let name = "search"
    let abstract = "List entries matching filters"
    var options: [OptionSpec] {
        AuditCommand.sourceOptions + AuditCommand.filterOptions + [.value("limit", "N", "At most N entries (default 1000)")]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let storage = try AuditCommand.storage(arguments)
        let filter = try AuditCommand.filter(arguments)
        let limit = try arguments.integer("limit", default: 1000, in: 1...10_000_000)
        let range = filter.indices(count: try storage.count())
        var found: [(Int, AuditEntry)] = []
        var start = range.lowerBound
        while start < range.upperBound, found.count < limit {
            let end = min(range.upperBound, start + 65_536)
            for (offset, entry) in try storage.entries(from: start, to: end).enumerated() where filter.matches(entry) && found.count < limit
            {
                found.append((start + offset, entry))
            }
            start = end
        }
        try AuditCommand.printEntries(found, context)
        return 0
    }
}

/// `backline audit verify`.
struct AuditVerifyCommand: Command {
    let name = "verify"
    let abstract = "Verify the log (or an exported bundle) against a trusted key and your saved checkpoint"
    var options: [OptionSpec] {
        AuditCommand.sourceOptions + [
            AuditCommand.keyOption, AuditCommand.originOption,
            .value("state", "FILE", "Your saved checkpoint (updated when the log verifies); FILE.leaves holds leaf hashes"),
            .value("bundle", "FILE", "Verify an exported bundle offline instead of a log"),
        ]
    }
    var discussion: String {
        "Recomputes the Merkle tree over every entry, checks the latest checkpoint's signature and root,\nand checks that the log extends the checkpoint saved in --state, naming the first altered entry.\nExit status 1 when anything is wrong."
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let key = try AuditCommand.key(arguments)
        if let bundlePath = arguments.value("bundle") {
            let bundle = try AuditBundle.decode(Data(try FileAccess.readAll(bundlePath)))
            let count = try bundle.verify(trusting: [key])
            struct Report: Encodable {
                let ok: Bool
                let entries: Int
                let tree_size: Int
                let origin: String
            }
            try context.report(Report(ok: true, entries: count, tree_size: bundle.treeSize, origin: bundle.origin)) {
                "ok: \(count) entries of \(bundle.origin) verified against the checkpoint of size \(bundle.treeSize)"
            }
            return 0
        }
        let storage = try AuditCommand.storage(arguments)
        let verifier = AuditVerifier(origin: arguments.value("origin") ?? key.name, keys: [key])
        let stateFile = arguments.value("state").map(AuditorStateFile.init(path:))
        let saved = try stateFile?.load(reader: verifier.reader)
        let report = verifier.verify(storage: storage, saved: saved)
        if report.ok, let stateFile, let state = report.updatedState { try stateFile.save(state) }
        try context.report(report) {
            var lines = [
                report.ok
                    ? "ok: \(report.entries) entries; checkpoint size \(report.checkpointSize ?? 0), root \(report.checkpointRoot ?? "-")"
                    : "FAILED: \(report.entries) entries"
            ]
            if let saved = report.savedSize {
                lines.append("  consistent with saved checkpoint of size \(saved): \(report.ok ? "yes" : "no")")
            }
            if let bad = report.firstBadIndex { lines.append("  first bad index: \(bad)") }
            lines += report.problems.map { "  problem: " + $0 }
            return lines.joined(separator: "\n")
        }
        return report.ok ? 0 : 1
    }
}

/// `backline audit proof`.
struct AuditProofCommand: Command {
    let name = "proof"
    let abstract = "Print an inclusion proof (--index) or consistency proof (--from-size) to the latest checkpoint"
    var options: [OptionSpec] {
        AuditCommand.sourceOptions + [
            AuditCommand.keyOption, AuditCommand.originOption,
            .value("index", "I", "Entry to prove"), .value("from-size", "N", "Older tree size to prove consistency from"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let storage = try AuditCommand.storage(arguments)
        guard let note = try storage.latestCheckpoint() else { throw AuditError.outOfRange("the log has no signed checkpoint") }
        let checkpoint = try AuditCommand.reader(arguments).read(note)
        var tree = MerkleTree()
        for entry in try storage.entries(from: 0, to: checkpoint.size) { tree.append(leafHash: entry.leafHash) }
        guard try tree.root() == checkpoint.root else {
            throw AuditError.tampered("entries do not rebuild the signed root; run 'audit verify'")
        }
        struct Report: Encodable {
            let kind: String, tree_size: Int, root: String, proof: [String]
            var index: Int? = nil, leaf_hash: String? = nil, from_size: Int? = nil, from_root: String? = nil
        }
        let report: Report
        if arguments.value("index") != nil {
            let index = try arguments.integer("index", in: 0...Int.max)
            guard index < checkpoint.size else {
                throw AuditError.outOfRange("index \(index) not covered by the checkpoint of size \(checkpoint.size)")
            }
            let proof = try tree.inclusionProof(index: index, size: checkpoint.size)
            let leaf = try tree.leafHash(at: index)
            try MerkleProof.verifyInclusion(leafHash: leaf, index: index, treeSize: checkpoint.size, proof: proof, root: checkpoint.root)
            report = Report(
                kind: "inclusion",
                tree_size: checkpoint.size,
                root: checkpoint.root.hex,
                proof: proof.map(\.hex),
                index: index,
                leaf_hash: leaf.hex
            )
        } else if arguments.value("from-size") != nil {
            let old = try arguments.integer("from-size", in: 1...Int.max)
            guard old <= checkpoint.size else { throw AuditError.outOfRange("size \(old) exceeds the checkpoint size \(checkpoint.size)") }
            let proof = try tree.consistencyProof(from: old, to: checkpoint.size)
            let oldRoot = try tree.root(size: old)
            try MerkleProof.verifyConsistency(size1: old, size2: checkpoint.size, root1: oldRoot, root2: checkpoint.root, proof: proof)
            report = Report(
                kind: "consistency",
                tree_size: checkpoint.size,
                root: checkpoint.root.hex,
                proof: proof.map(\.hex),
                from_size: old,
                from_root: oldRoot.hex
            )
        } else {
            throw UsageError("give --index I or --from-size N")
        }
        try context.report(report) {
            var lines = ["\(report.kind) proof to checkpoint size \(report.tree_size), root \(report.root)"]
            if let index = report.index { lines.append("index \(index), leaf hash \(report.leaf_hash ?? "")") }
            if let from = report.from_size { lines.append("from size \(from), root \(report.from_root ?? "")") }
            lines += report.proof.enumerated().map { "  [\($0)] \($1)" }
            return lines.joined(separator: "\n")
        }
        return 0
    }
}

/// `backline audit export`.
struct AuditExportCommand: Command {
    let name = "export"
    let abstract = "Write a bundle of entries with inclusion proofs that verifies offline"
    var options: [OptionSpec] {
        AuditCommand.sourceOptions + [AuditCommand.keyOption, AuditCommand.originOption, .value("out", "FILE", "Bundle to write (0600)")]
            + AuditCommand.filterOptions
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let storage = try AuditCommand.storage(arguments)
        let out = try arguments.required("out")
        let bundle = try AuditBundle.make(
            storage: storage,
            reader: try AuditCommand.reader(arguments),
            filter: try AuditCommand.filter(arguments)
        )
        try AtomicFileWriter.write(Array(try bundle.encoded()), to: out)
        struct Report: Encodable {
            let out: String
            let entries: Int
            let tree_size: Int
        }
        try context.report(Report(out: out, entries: bundle.entries.count, tree_size: bundle.treeSize)) {
            "wrote \(out): \(bundle.entries.count) entries with inclusion proofs to the checkpoint of size \(bundle.treeSize)"
        }
        return 0
    }
}
