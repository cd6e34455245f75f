internal import BacklineCore
internal import BacklineCrypto
public import BacklineFederation
public import BacklineModel
public import BacklinePrivacy
public import BacklineTransport
internal import Foundation

/// A promoter node taking part in the aggregator's rounds over mutual TLS.
///
/// Each ``participate()``:
/// 1. `GET /v1/rounds/current`; stops unless the round is accepting and not yet submitted to;
/// 2. checks the node's privacy settings are at least as strong as the round's (before any charge);
/// 3. `GET /v1/models/latest` and checks the bytes against `X-Backline-Model-SHA256`;
/// 4. runs the ``NodeRound`` (the ledger is charged before member data is touched; a refused
///    charge becomes ``RoundOutcome/budgetExhausted(round:)`` and the node sends nothing from then on);
/// 5. posts the noised release as an ``UpdateEnvelope`` bound to the round, the node's name and the
///    model's SHA-256, retried with the HTTP client's bounded jittered ``RetryPolicy`` (safe: the
///    same bytes get the same receipt).
///
/// The aggregator's identity is pinned by the client's ``TLSClientConfiguration``; a server with
/// another SPIFFE ID is refused during the handshake and the error is thrown.
public actor RoundClient<Noise: NoiseRandomSource & Sendable> {
    /// The node's name (the promoter its certificate names).
    public nonisolated let name: String
    private let client: HTTPClient
    private var node: NodeRound
    private var noise: Noise
    private let privacy: PrivacySettings
    private var receipts: [Int64: SubmissionReceipt] = [:]
    private var exhausted = false
    private let journal: (any NodeJournal)?

    /// A client for `node` talking through `client`.
    /// - Parameters:
    ///   - noise: the randomness of the privacy noise (``SecureNoiseSource`` in production).
    ///   - journal: where the charged ledger, the prepared update and the receipt are made durable
    ///     (nil: memory only, for simulations and tests).
    /// - Throws: `invalid_parameter` when `node` is in non-private mode (it would release exact sums).
    public init(client: HTTPClient, node: NodeRound, noise: Noise, journal: (any NodeJournal)? = nil) throws {
        guard let privacy = node.privacy else {
            throw NodeError.invalidParameter(
                "privacy settings of '\(node.name)'",
                "none",
                expected: "DP settings: a node never releases exact sums"
            )
        }
        self.name = node.name
        self.client = client
        self.node = node
        self.noise = noise
        self.privacy = privacy
        self.journal = journal
    }

    /// The node's privacy ledger as charged so far (persist it after every round).
    public var ledger: PrivacyLedger? { node.ledger }

    /// Whether the ledger has refused a charge (the node no longer contributes).
    public var isBudgetExhausted: Bool { exhausted }

    /// Takes part in the current round (see the type's steps).
    /// - Throws: ``NodeError`` `refused`, `protocol_violation`, `model_checksum_mismatch` or
    ///   `invalid_parameter` (round asks for stronger privacy than configured); the transport's
    ///   errors (including a refused server identity); the federation module's errors.
    public func participate() async throws -> RoundOutcome {
        guard let announcement = try await currentRound() else { return .notAccepting(round: nil) }
        guard announcement.accepting else { return .notAccepting(round: announcement.round) }
        if let receipt = try receipts[announcement.round] ?? journal?.receipt(round: announcement.round) {
            receipts[announcement.round] = receipt
            return .alreadySubmitted(receipt)
        }
        if let prepared = try journal?.preparedUpdate(round: announcement.round) {
            // Prepared (and charged) before a restart: the same bytes again get the same receipt.
            return .submitted(try await deliver(prepared, round: announcement.round))
        }
        if exhausted { return .budgetExhausted(round: announcement.round) }
        try checkPrivacy(against: announcement)
        let (_, global, checksum) = try await latestGlobalModel()
        let release: NodeRelease
        do {
            release = try node.run(round: UInt64(announcement.round), global: global, noise: &noise)
        } catch let error as PrivacyError where error.code == .budgetExceeded {
            exhausted = true
            return .budgetExhausted(round: announcement.round)
        }
        // Post-processing of the noised count (no privacy cost): the aggregator needs a positive weight.
        let envelope = UpdateEnvelope(
            round: announcement.round,
            node: name,
            sampleCount: max(release.count, 1),
            clipNorm: privacy.clipNorm,
            noiseMultiplier: privacy.noiseMultiplier,
            parameters: try global.unflattened(release.gradientSum),
            modelSHA256: checksum
        )
        let body = try envelope.encoded()
        try journal?.recordPrepared(round: announcement.round, update: body, ledger: node.ledger)
        return .submitted(try await deliver(body, round: announcement.round))
    }

    /// The newest round the aggregator announces (accepting or not), or nil when none exists.
    public func announcement() async throws -> RoundAnnouncement? { try await currentRound() }

    /// The global parameters of the latest published model (or the initial one), its version and the
    /// hex SHA-256 of its bytes, checked against the aggregator's header.
    public func latestGlobalModel() async throws -> (version: Int64, parameters: ParameterSet, checksum: String) {
        let model = try await ModelDownload.fetch(client: client, version: nil)
        do { return (model.version, try SafeTensors.decode(model.bytes).parameters, model.checksum) } catch {
            throw NodeError.protocolViolation("GET /v1/models/latest", "model version \(model.version) is not a valid safetensors file")
        }
    }

    private func deliver(_ body: [UInt8], round: Int64) async throws -> SubmissionReceipt {
        let receipt = try await submit(body, round: round)
        try journal?.recordReceipt(receipt)
        receipts[round] = receipt
        return receipt
    }

    private func currentRound() async throws -> RoundAnnouncement? {
        let request = "GET /v1/rounds/current"
        let response = try await client.send(HTTPRequest(method: "GET", path: "/v1/rounds/current"))
        if response.status == 404, APIAnswer.errorCode(response) == "no_round" { return nil }
        try APIAnswer.requireSuccess(response, request)
        do { return try response.decodeJSON(RoundAnnouncement.self) } catch {
            throw NodeError.protocolViolation(request, "the round is not the documented JSON object")
        }
    }

    private func checkPrivacy(against round: RoundAnnouncement) throws {
        if privacy.clipNorm > round.clipNorm {
            throw NodeError.invalidParameter(
                "clip norm of '\(name)'",
                privacy.clipNorm,
                expected: "≤ round \(round.round)'s \(round.clipNorm)"
            )
        }
        if privacy.noiseMultiplier < round.noiseMultiplier {
            throw NodeError.invalidParameter(
                "noise multiplier of '\(name)'",
                privacy.noiseMultiplier,
                expected: "≥ round \(round.round)'s \(round.noiseMultiplier)"
            )
        }
    }

    private func submit(_ body: [UInt8], round: Int64) async throws -> SubmissionReceipt {
        let request = "POST /v1/rounds/\(round)/updates"
        // Idempotent: the aggregator answers identical bytes with the same receipt.
        let response = try await client.send(
            HTTPRequest(
                method: "POST",
                path: "/v1/rounds/\(round)/updates",
                headers: HTTPHeaders([("Content-Type", "application/octet-stream")]),
                body: body
            ),
            idempotent: true
        )
        try APIAnswer.requireSuccess(response, request)
        let receipt: SubmissionReceipt
        do { receipt = try response.decodeJSON(SubmissionReceipt.self) } catch {
            throw NodeError.protocolViolation(request, "the receipt is not the documented JSON object")
        }
        guard receipt.round == round, receipt.node == name, receipt.digest == Hex.encode(SHA256.hash(body)) else {
            throw NodeError.protocolViolation(request, "the receipt names another round, node or digest than the update sent")
        }
        return receipt
    }
}
