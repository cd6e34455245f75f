internal import BacklineCore
internal import BacklineNode
internal import BacklinePrivacy
internal import BacklineVault
import Foundation

/// What a node remembers between runs, kept encrypted in its vault (stream `node_journal`): the
/// receipts it got, the update it prepared and has not yet seen acknowledged, and a line per round.
struct NodeJournalState: Codable, Sendable, Equatable {
    /// An update prepared (and charged) but not yet acknowledged.
    struct Prepared: Codable, Sendable, Equatable {
        var round: Int64
        var update: Data
    }

    /// One round as the node saw it.
    struct RoundLine: Codable, Sendable, Equatable {
        var round: Int64
        var outcome: String
        var modelVersion: Int64?
        var epsilonSpent: Double
        var validationNDCG: Double?
        var at: Date

        enum CodingKeys: String, CodingKey {
            case round, outcome, at
            case modelVersion = "model_version"
            case epsilonSpent = "epsilon_spent"
            case validationNDCG = "validation_ndcg_at_10"
        }
    }

    var receipts: [SubmissionReceipt] = []
    var prepared: Prepared?
    var rounds: [RoundLine] = []
    /// The newest global model version the node has taken in.
    var modelVersion: Int64?

    enum CodingKeys: String, CodingKey {
        case receipts, prepared, rounds
        case modelVersion = "model_version"
    }
}

/// ``NodeJournal`` over the vault: every change rewrites the encrypted `node_journal` stream
/// atomically (``VaultJournalStream``), and the charged ledger is written to `privacy_ledger` (the
/// stream the analytics commands charge too) before the prepared update, so a crash can over-count ε
/// but never under-count it.
final class VaultNodeJournal: NodeJournal {
    /// The stream name.
    static let streamName = "node_journal"
    /// Largest journal read back (prepared updates are a few MB).
    static let maximumBytes = 256 << 20

    private let stream: VaultJournalStream<NodeJournalState>

    /// The journal of `vault`, loaded now (empty when the vault has none).
    init(vault: EncryptedVault) throws {
        stream = try VaultJournalStream(vault: vault, name: Self.streamName, maximumBytes: Self.maximumBytes, empty: NodeJournalState())
    }

    /// A copy of the journal.
    var snapshot: NodeJournalState { stream.snapshot }

    func receipt(round: Int64) throws -> SubmissionReceipt? {
        snapshot.receipts.first { $0.round == round }
    }

    func preparedUpdate(round: Int64) throws -> [UInt8]? {
        snapshot.prepared.flatMap { $0.round == round ? [UInt8]($0.update) : nil }
    }

    func recordPrepared(round: Int64, update: [UInt8], ledger: PrivacyLedger?) throws {
        if let ledger { try VaultLedgerPersistence(factory: stream.vault).storeLedger(try ledger.encoded(), promoter: ledger.promoter) }
        try stream.change { $0.prepared = .init(round: round, update: Data(update)) }
    }

    func recordReceipt(_ receipt: SubmissionReceipt) throws {
        try stream.change { journal in
            journal.receipts.removeAll { $0.round == receipt.round }
            journal.receipts.append(receipt)
            if journal.prepared?.round == receipt.round { journal.prepared = nil }
        }
    }

    /// Appends (or replaces) the line of `line.round`.
    func record(_ line: NodeJournalState.RoundLine) throws {
        try stream.change { journal in
            journal.rounds.removeAll { $0.round == line.round }
            journal.rounds.append(line)
            if let version = line.modelVersion { journal.modelVersion = max(journal.modelVersion ?? 0, version) }
        }
    }
}
