public import BacklineAnalytics
internal import BacklineCore
internal import BacklineCrypto
public import BacklinePrivacy
public import BacklineTransport
internal import Foundation

/// A promoter node's side of federated analytics over the aggregator's API (mutual TLS).
///
/// ``submit(queryID:engine:ledger:persistence:noise:journal:)``:
/// 0. with a journal: a receipt recorded for the query is answered as it is (nothing charged or
///    sent); a body prepared by an earlier run is sent again as it is (no second charge, no fresh noise);
/// 1. `GET /v1/analytics/queries/{q}`; stops unless the query is accepting;
/// 2. builds the ``HistogramMechanism`` of the query's (ε, δ) and checks its noise is at least what
///    the query announces (before any charge);
/// 3. ``AnalyticsEngine/release(_:ledger:persistence:using:)``: the ledger is charged and persisted
///    *before* the member data is touched; over budget it throws `budget_exceeded` and nothing is
///    computed or sent;
/// 4. records the encoded body in the journal, then posts it bound to the query id and the node's
///    name, retried with the HTTP client's bounded ``RetryPolicy`` (safe: the same bytes get the
///    same receipt), and records the receipt.
///
/// Without a journal a second `submit` of the same query charges the ledger again and is refused by
/// the aggregator (`conflict`). A charge whose submission failed is never refunded; with a journal
/// it is spent on the same bytes at the next attempt.
public struct AnalyticsClient: Sendable {
    /// The node's name (the promoter its certificate names).
    public let name: String
    private let client: HTTPClient

    /// A client for promoter `name` talking through `client` (whose TLS configuration pins the aggregator).
    public init(name: String, client: HTTPClient) {
        self.name = name
        self.client = client
    }

    /// The aggregator's receipt for a stored histogram.
    public struct Receipt: Sendable, Hashable, Codable {
        /// The receipt id.
        public let receiptID: String
        /// The query answered.
        public let queryID: Int64
        /// The node it was stored for.
        public let node: String
        /// Hex SHA-256 of the stored body.
        public let digest: String

        enum CodingKeys: String, CodingKey {
            case node, digest
            case receiptID = "receipt_id"
            case queryID = "query_id"
        }
    }

    /// Query `id` as the aggregator announces it.
    /// - Throws: ``NodeError`` `refused` (e.g. 404 `query_not_found`) or `protocol_violation`.
    public func announcement(queryID id: Int64) async throws -> Announcement {
        let request = "GET /v1/analytics/queries/\(id)"
        let response = try await client.send(HTTPRequest(method: "GET", path: "/v1/analytics/queries/\(id)"))
        try APIAnswer.requireSuccess(response, request)
        do { return try response.decodeJSON(Announcement.self) } catch {
            throw NodeError.protocolViolation(request, "the query is not the documented JSON object")
        }
    }

    /// Answers query `id` with a noised histogram of `engine`'s vault (see the type's steps).
    /// - Parameter journal: where the prepared body and the receipt are made durable (nil: memory
    ///   only, every call charges and noises afresh).
    /// - Returns: the aggregator's receipt, the histogram it is for and whether it was sent now,
    ///   sent again from the journal or only read from it.
    /// - Throws: ``PrivacyError`` `budget_exceeded` (nothing sent); ``NodeError`` `refused`,
    ///   `invalid_parameter` (query closed, its noise cannot be met, or the journal holds a body for
    ///   another query or node) or `protocol_violation`; the journal's errors.
    public func submit(
        queryID id: Int64,
        engine: AnalyticsEngine,
        ledger: inout PrivacyLedger,
        persistence: some PrivacyLedgerPersistence,
        noise: inout some NoiseRandomSource,
        journal: (any AnalyticsJournal)? = nil
    ) async throws -> Submission {
        if let journal, let prepared = try journal.preparedBody(queryID: id) {
            let histogram = try journalledHistogram(prepared, queryID: id)
            if let receipt = try journal.receipt(queryID: id) {
                return Submission(receipt: receipt, histogram: histogram, origin: .recorded)
            }
            return Submission(receipt: try await deliver(prepared, queryID: id, journal: journal), histogram: histogram, origin: .resent)
        }
        let query = try await announcement(queryID: id)
        guard query.accepting else {
            throw NodeError.invalidParameter("analytics query \(id)", query.state, expected: "a query taking histograms")
        }
        let mechanism = try HistogramMechanism(query: query.query, epsilon: query.epsilon, delta: query.delta)
        guard mechanism.noiseMultiplier >= query.noiseMultiplier * (1 - 1e-9) else {
            throw NodeError.invalidParameter(
                "noise multiplier for query \(id)",
                mechanism.noiseMultiplier,
                expected: "≥ the query's \(query.noiseMultiplier)"
            )
        }
        let histogram = try engine.release(mechanism, ledger: &ledger, persistence: persistence, using: &noise)
        let body = try Self.encode(
            Envelope(
                queryID: id,
                node: name,
                epsilon: query.epsilon,
                delta: query.delta,
                noiseMultiplier: mechanism.noiseMultiplier,
                histogram: histogram
            )
        )
        try journal?.recordPrepared(queryID: id, body: body)
        return Submission(receipt: try await deliver(body, queryID: id, journal: journal), histogram: histogram, origin: .fresh)
    }

    /// The published result of query `id`.
    /// - Throws: ``NodeError`` `refused` (404 `no_result` when too few promoters answered, 409
    ///   `query_open` before it closes) or `protocol_violation`.
    public func result(queryID id: Int64) async throws -> PublishedResult {
        let request = "GET /v1/analytics/queries/\(id)/result"
        let response = try await client.send(HTTPRequest(method: "GET", path: "/v1/analytics/queries/\(id)/result"))
        try APIAnswer.requireSuccess(response, request)
        do { return try response.decodeJSON(PublishedResult.self) } catch {
            throw NodeError.protocolViolation(request, "the result is not the documented JSON object")
        }
    }

    /// The body the aggregator expects: `{"query_id", "node", "epsilon", "delta", "noise_multiplier", "histogram"}`.
    struct Envelope: Codable {
        let queryID: Int64
        let node: String
        let epsilon: Double
        let delta: Double
        let noiseMultiplier: Double
        let histogram: NoisedHistogram

        enum CodingKeys: String, CodingKey {
            case node, epsilon, delta, histogram
            case queryID = "query_id"
            case noiseMultiplier = "noise_multiplier"
        }
    }

    static func encode(_ envelope: Envelope) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(envelope))
    }

    /// The histogram of a body the journal kept for query `id`, checked to be this node's answer to it.
    private func journalledHistogram(_ body: [UInt8], queryID id: Int64) throws -> NoisedHistogram {
        let envelope: Envelope
        do { envelope = try JSONDecoder().decode(Envelope.self, from: Data(body)) } catch {
            throw NodeError.invalidParameter(
                "journalled answer to analytics query \(id)",
                "\(body.count) bytes",
                expected: "a histogram envelope"
            )
        }
        guard envelope.queryID == id, envelope.node == name else {
            throw NodeError.invalidParameter(
                "journalled answer to analytics query \(id)",
                "query \(envelope.queryID) of '\(envelope.node)'",
                expected: "query \(id) of '\(name)'"
            )
        }
        return envelope.histogram
    }

    private func deliver(_ body: [UInt8], queryID id: Int64, journal: (any AnalyticsJournal)?) async throws -> Receipt {
        let receipt = try await post(body, queryID: id)
        try journal?.recordReceipt(receipt)
        return receipt
    }

    private func post(_ body: [UInt8], queryID id: Int64) async throws -> Receipt {
        let request = "POST /v1/analytics/queries/\(id)/histograms"
        let response = try await client.send(
            HTTPRequest(
                method: "POST",
                path: "/v1/analytics/queries/\(id)/histograms",
                headers: HTTPHeaders([("Content-Type", "application/json")]),
                body: body
            ),
            idempotent: true
        )
        try APIAnswer.requireSuccess(response, request)
        let receipt: Receipt
        do { receipt = try response.decodeJSON(Receipt.self) } catch {
            throw NodeError.protocolViolation(request, "the receipt is not the documented JSON object")
        }
        guard receipt.queryID == id, receipt.node == name, receipt.digest == Hex.encode(SHA256.hash(body)) else {
            throw NodeError.protocolViolation(request, "the receipt names another query, node or digest than the histogram sent")
        }
        return receipt
    }
}
