internal import BacklineNode
internal import BacklineVault
import Foundation

/// The node's answers to federated analytics queries, kept encrypted in its vault (stream
/// `analytics_journal`): per aggregator and query id, the histogram envelope prepared after the
/// ledger was charged, and the receipt once the aggregator stored it.
struct AnalyticsJournalState: Codable, Sendable, Equatable {
    /// One query's answer.
    struct Answer: Codable, Sendable, Equatable {
        /// The aggregator the query belongs to (`<federation>/aggregator/<name>`).
        var aggregator: String
        var queryID: Int64
        /// The encoded envelope, exactly as posted.
        var body: Data
        var receipt: AnalyticsClient.Receipt?

        enum CodingKeys: String, CodingKey {
            case aggregator, body, receipt
            case queryID = "query_id"
        }
    }

    var answers: [Answer] = []
}

/// ``AnalyticsJournal`` over the vault for the queries of one aggregator. The ledger is charged and
/// written to `privacy_ledger` before the body is prepared; the body is written here before it is
/// posted; a crash between the two over-counts ε (a rerun charges again) but never under-counts it.
final class VaultAnalyticsJournal: AnalyticsJournal {
    /// The stream name.
    static let streamName = "analytics_journal"
    /// Largest journal read back (a histogram envelope is a few kB).
    static let maximumBytes = 64 << 20

    private let stream: VaultJournalStream<AnalyticsJournalState>
    private let aggregator: String

    /// The journal of `vault` for the aggregator named `aggregator` in `federation`, loaded now.
    init(vault: EncryptedVault, federation: String, aggregator: String) throws {
        stream = try VaultJournalStream(
            vault: vault,
            name: Self.streamName,
            maximumBytes: Self.maximumBytes,
            empty: AnalyticsJournalState()
        )
        self.aggregator = "\(federation)/aggregator/\(aggregator)"
    }

    /// A copy of the journal (every aggregator's answers).
    var snapshot: AnalyticsJournalState { stream.snapshot }

    func preparedBody(queryID id: Int64) throws -> [UInt8]? {
        answer(id).map { [UInt8]($0.body) }
    }

    func receipt(queryID id: Int64) throws -> AnalyticsClient.Receipt? {
        answer(id)?.receipt
    }

    func recordPrepared(queryID id: Int64, body: [UInt8]) throws {
        let aggregator = aggregator
        try stream.change { journal in
            journal.answers.removeAll { $0.aggregator == aggregator && $0.queryID == id }
            journal.answers.append(.init(aggregator: aggregator, queryID: id, body: Data(body), receipt: nil))
        }
    }

    func recordReceipt(_ receipt: AnalyticsClient.Receipt) throws {
        let aggregator = aggregator
        try stream.change { journal in
            guard let index = journal.answers.firstIndex(where: { $0.aggregator == aggregator && $0.queryID == receipt.queryID }) else {
                return
            }
            journal.answers[index].receipt = receipt
        }
    }

    private func answer(_ id: Int64) -> AnalyticsJournalState.Answer? {
        stream.snapshot.answers.first { $0.aggregator == aggregator && $0.queryID == id }
    }
}
