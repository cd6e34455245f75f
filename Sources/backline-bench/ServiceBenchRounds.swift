import BacklineCore
import BacklineTransport
import Foundation

/// Runs federated rounds against an aggregator served on `port`: the operator opens a round
/// (`POST /v1/rounds`), every promoter takes part at once, the operator closes it
/// (`POST /v1/rounds/{r}/close`, which aggregates and publishes). A round is timed from the open
/// request to the close answer; every request is mTLS, decided by the policy and audited.
struct ServiceBenchRounds {
    /// One timed round.
    struct Outcome {
        let seconds: Double
        /// Whether a model was published (a round of fewer than 3 promoters publishes none: item 77).
        let published: Bool
        /// Growth of the loopback RX counter during the round (all loopback traffic on the machine).
        let loopbackBytes: Double
    }

    let operatorClient: HTTPClient
    let promoters: [ServiceBenchPromoter]

    /// Clients for the first `count` promoters of `federation`, all posting `values`.
    init(federation: ServiceBenchFederation, count: Int, port: UInt16, values: [Float]) throws {
        operatorClient = try federation.client(.operator, "ops", port: port)
        promoters = try federation.promoters.prefix(count).map {
            ServiceBenchPromoter(name: $0, client: try federation.client(.promoter, $0, port: port), values: values)
        }
    }

    /// Opens, fills and closes one round.
    func run() async throws -> Outcome {
        let bytesBefore = Self.loopbackReceivedBytes()
        let started = DispatchTime.now().uptimeNanoseconds
        let opened = try await operatorClient.send(HTTPRequest(method: "POST", path: "/v1/rounds"), idempotent: false)
        guard opened.status == 201 else {
            throw ServiceBenchFailure(
                step: "open a round",
                detail: "status \(opened.status): \(String(decoding: opened.body.prefix(300), as: UTF8.self))"
            )
        }
        struct Opened: Decodable { let round: Int64 }
        let round = try opened.decodeJSON(Opened.self).round
        try await withThrowingTaskGroup(of: Void.self) { group in
            for promoter in promoters { group.addTask { try await promoter.participate(in: round) } }
            try await group.waitForAll()
        }
        let closed = try await operatorClient.send(HTTPRequest(method: "POST", path: "/v1/rounds/\(round)/close"), idempotent: false)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        guard closed.status == 200 else {
            throw ServiceBenchFailure(
                step: "close round \(round)",
                detail: "status \(closed.status): \(String(decoding: closed.body.prefix(300), as: UTF8.self))"
            )
        }
        struct Closure: Decodable {
            let state: String
            let contributors: [String]
        }
        let closure = try closed.decodeJSON(Closure.self)
        let published = closure.state == "published"
        if published && closure.contributors.count != promoters.count {
            throw ServiceBenchFailure(
                step: "close round \(round)",
                detail: "\(closure.contributors.count) contributors, expected \(promoters.count)"
            )
        }
        return Outcome(seconds: seconds, published: published, loopbackBytes: Self.loopbackReceivedBytes() - bytesBefore)
    }

    /// Drops every kept-alive connection.
    func close() {
        operatorClient.close()
        for promoter in promoters { promoter.client.close() }
    }

    /// The loopback interface's RX byte counter (`/proc/net/dev`), as the peer's script reads it.
    static func loopbackReceivedBytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/net/dev", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "lo" {
                return parts[1].split(separator: " ").first.flatMap { Double($0) } ?? 0
            }
        }
        return 0
    }
}
