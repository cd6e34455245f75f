import BacklineAggregator
import BacklineCore
import BacklineCrypto
import BacklineFederation
import BacklineModel
import BacklineTransport
import Foundation

/// A benchmark promoter that does what a node does on the wire, without training: reads the
/// current round, downloads the global model and checks it against its announced SHA-256,
/// decodes it, and posts an ``UpdateEnvelope`` bound to the round, its own name and the model's
/// hash, then checks the receipt. The update's values are a fixed noise vector made once (the
/// peer's clients add fresh noise in `fit`; neither side trains).
struct ServiceBenchPromoter: Sendable {
    let name: String
    let client: HTTPClient
    /// The update's values, in the model's flat order.
    let values: [Float]

    /// Takes part in round `round`.
    /// - Throws: ``ServiceBenchFailure`` naming the step and the status when the aggregator refuses.
    func participate(in round: Int64) async throws {
        struct Current: Decodable {
            let round: Int64
            let accepting: Bool
        }
        let current = try await checked(HTTPRequest(method: "GET", path: "/v1/rounds/current"), "read the round")
        let announced = try current.decodeJSON(Current.self)
        guard announced.round == round, announced.accepting else {
            throw ServiceBenchFailure(
                step: "\(name): read the round",
                detail: "round \(announced.round) accepting=\(announced.accepting), expected \(round)"
            )
        }
        let model = try await checked(HTTPRequest(method: "GET", path: "/v1/models/latest"), "download the model")
        let checksum = Hex.encode(SHA256.hash(model.body))
        guard model.headers["X-Backline-Model-SHA256"]?.lowercased() == checksum else {
            throw ServiceBenchFailure(step: "\(name): download the model", detail: "the bytes do not match X-Backline-Model-SHA256")
        }
        let global = try SafeTensors.decode(model.body).parameters
        let body = try UpdateEnvelope(
            round: round,
            node: name,
            sampleCount: 10,
            clipNorm: ServiceBenchFederation.roundDefaults.clipNorm,
            noiseMultiplier: ServiceBenchFederation.roundDefaults.noiseMultiplier,
            parameters: try global.unflattened(values),
            modelSHA256: checksum
        ).encoded()
        let answer = try await checked(
            HTTPRequest(
                method: "POST",
                path: "/v1/rounds/\(round)/updates",
                headers: HTTPHeaders([("Content-Type", "application/octet-stream")]),
                body: body
            ),
            "submit the update",
            idempotent: true
        )
        struct Receipt: Decodable {
            let round: Int64
            let node: String
            let digest: String
        }
        let receipt = try answer.decodeJSON(Receipt.self)
        guard receipt.round == round, receipt.node == name, receipt.digest == Hex.encode(SHA256.hash(body)) else {
            throw ServiceBenchFailure(step: "\(name): submit the update", detail: "the receipt names another round, node or digest")
        }
    }

    private func checked(_ request: HTTPRequest, _ step: String, idempotent: Bool? = nil) async throws -> HTTPResponse {
        let response = try await client.send(request, idempotent: idempotent)
        guard response.status == 200 else {
            throw ServiceBenchFailure(
                step: "\(name): \(step)",
                detail: "status \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
            )
        }
        return response
    }
}

/// A benchmark step that did not go as a working federation would.
struct ServiceBenchFailure: Error, CustomStringConvertible {
    let step: String
    let detail: String
    var description: String { "service bench: \(step) failed: \(detail)" }
}
